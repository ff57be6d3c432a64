// Picks the screen from the address; each screen is its own chunk, so /report never loads the map.
import { StrictMode, Suspense, lazy, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { z } from 'zod';
import { i18n, initI18n } from './i18n/index.ts';
import type { ScreenName } from './i18n/namespaces.ts';
import { adoptTokenFromAddress, chooseLanguage } from './lib/session.ts';
import { languageOf, placeName } from '../shared/language.ts';
import { useDashboard } from './store/store.ts';

// The CSP forbids eval: tell zod not to probe for `new Function`, which the browser reports as a violation.
z.config({ jitless: true });
adoptTokenFromAddress();

/** The screen the address names, with what it needs to know (the governorate, the admin page). */
function route(path: string): { screen: ScreenName; pcode?: string; page?: 'thresholds' | 'audit' | 'drills' } {
  const adminOps = /^\/admin\/(thresholds|audit|drills)\/?$/.exec(path);
  if (adminOps) return { screen: 'adminops', page: adminOps[1] as 'thresholds' | 'audit' | 'drills' };
  if (path === '/wall') return { screen: 'wall' };
  if (path === '/report') return { screen: 'report' };
  if (path === '/sitrep') return { screen: 'sitrep' };
  if (path === '/admin' || path.startsWith('/admin/')) return { screen: 'admin' };
  const governorate = /^\/g\/(IQG\d{2})\/?$/.exec(path)?.[1];
  if (governorate) return { screen: 'governorate', pcode: governorate };
  return { screen: 'overview' };
}
const here = route(window.location.pathname);
// the screen's words in the chosen language start loading now, beside the screen's chunk
initI18n(chooseLanguage(), here.screen);

const OverviewScreen = lazy(() => import('./features/overview/OverviewScreen.tsx').then((m) => ({ default: m.OverviewScreen })));
const WallScreen = lazy(() => import('./features/wall/WallScreen.tsx').then((m) => ({ default: m.WallScreen })));
const GovernorateScreen = lazy(() =>
  import('./features/governorate/GovernorateScreen.tsx').then((m) => ({ default: m.GovernorateScreen })),
);
const SitrepScreen = lazy(() => import('./features/sitrep/SitrepScreen.tsx').then((m) => ({ default: m.SitrepScreen })));
const AdminOpsScreen = lazy(() => import('./features/admin/AdminOpsScreen.tsx').then((m) => ({ default: m.AdminOpsScreen })));
const AdminScreen = lazy(() => import('./features/admin/AdminScreen.tsx').then((m) => ({ default: m.AdminScreen })));
const ReportScreen = lazy(() => import('./features/report/ReportScreen.tsx').then((m) => ({ default: m.ReportScreen })));

/** The tab's title in the reader's language, following a change of language; a governorate's by its name. */
function DocumentTitle() {
  const { t, i18n } = useTranslation('screens');
  const path = window.location.pathname;
  const pcode = /^\/g\/(IQG\d{2})\/?$/.exec(path)?.[1];
  const governorate = useDashboard((s) => (pcode ? s.governorateShapes?.features.find((f) => f.properties.pcode === pcode)?.properties : undefined));
  const lang = languageOf(i18n.language);
  const title =
    path === '/wall'
      ? t('pageTitle_wall')
      : path === '/report'
        ? t('pageTitle_report')
        : pcode
          ? t('pageTitle_governorate', { name: governorate ? placeName(governorate, lang) : pcode })
          : t('pageTitle_overview');
  useEffect(() => {
    document.title = title;
  }, [title]);
  return null;
}

function Screen() {
  switch (here.screen) {
    case 'adminops':
      return <AdminOpsScreen page={here.page!} />;
    case 'wall':
      return <WallScreen />;
    case 'report':
      return <ReportScreen />;
    case 'sitrep':
      return <SitrepScreen />;
    case 'admin':
      return <AdminScreen />;
    case 'governorate':
      return <GovernorateScreen pcode={here.pcode!} />;
    case 'overview':
      return <OverviewScreen />;
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      {/* the title too waits for its words: nothing shows a key in their place */}
      <Suspense fallback={null}>
        <DocumentTitle />
        <Screen />
      </Suspense>
    </I18nextProvider>
  </StrictMode>,
);
