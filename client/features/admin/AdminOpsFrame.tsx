// A frame for the thresholds, audit and drills pages on their own (/admin/thresholds, …): the font,
// the styles, the language and links between them. Inside the admin shell the pages render without it.
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-arabic/700.css';
import '../../styles/dashboard.css';
import './adminops.css';
import type { ReactNode } from 'react';
import { LanguageSwitcher } from '../../components/LanguageSwitcher.tsx';
import { getToken } from '../../lib/session.ts';
import { useAdminOps } from './adminOps.ts';

const PAGES = [
  ['thresholds', 'pageThresholds'],
  ['audit', 'pageAudit'],
  ['drills', 'pageDrills'],
] as const;

export function AdminOpsFrame({ page, children }: { page: (typeof PAGES)[number][0]; children: ReactNode }) {
  const { t } = useAdminOps();
  return (
    <div className="screen adminops">
      <header className="topbar">
        <h1>
          {t('admin')} · {t(PAGES.find(([p]) => p === page)![1])}
        </h1>
        <nav className="adminops-nav">
          {PAGES.map(([p, key]) => (
            <a key={p} href={`/admin/${p}${window.location.search}`} aria-current={p === page ? 'page' : undefined}>
              {t(key)}
            </a>
          ))}
        </nav>
        <div className="topbar-tools">
          <LanguageSwitcher />
        </div>
      </header>
      <main className="adminops-main">{getToken() ? children : <p role="alert">{t('noToken')}</p>}</main>
    </div>
  );
}
