// Picks the screen from the address; each screen is its own chunk, so /report never loads the map.
import { StrictMode, Suspense, lazy, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { z } from 'zod';
import { i18n, initI18n } from './i18n/index.ts';
import { adoptTokenFromAddress, chooseLanguage } from './lib/session.ts';
import { languageOf, placeName } from '../shared/language.ts';
import { useDashboard } from './store/store.ts';

// The CSP forbids eval: tell zod not to probe for `new Function`, which the browser reports as a violation.
z.config({ jitless: true });
adoptTokenFromAddress();
initI18n(chooseLanguage());

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
  const path = window.location.pathname;
  const governorate = /^\/g\/(IQG\d{2})\/?$/.exec(path);
  const adminOps = /^\/admin\/(thresholds|audit|drills)\/?$/.exec(path);
  if (adminOps) return <AdminOpsScreen page={adminOps[1] as 'thresholds' | 'audit' | 'drills'} />;
  if (path === '/wall') return <WallScreen />;
  if (path === '/report') return <ReportScreen />;
  if (path === '/sitrep') return <SitrepScreen />;
  if (path === '/admin' || path.startsWith('/admin/')) return <AdminScreen />;
  if (governorate?.[1]) return <GovernorateScreen pcode={governorate[1]} />;
  return <OverviewScreen />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <DocumentTitle />
      <Suspense fallback={null}>
        <Screen />
      </Suspense>
    </I18nextProvider>
  </StrictMode>,
);
