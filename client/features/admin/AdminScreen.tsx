// `/admin`: the administration area. Its navigation is the list in pages.ts, filtered by the
// signed-in role; each page is a chunk of its own, loaded when opened.
import './admin.css';
import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Whoami } from '../../../shared/schemas.ts';
import { LanguageSwitcher } from '../../components/LanguageSwitcher.tsx';
import { Page } from '../../components/Page.tsx';
import { apiRequest } from '../../lib/api.ts';
import { pagesFor } from './pages.ts';

const pathOfAddress = () => /^\/admin\/?([^/]*)/.exec(window.location.pathname)?.[1] ?? '';

function AdminBody() {
  const { t } = useTranslation('admin');
  const [me, setMe] = useState<Whoami | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [path, setPath] = useState(pathOfAddress);

  useEffect(() => {
    apiRequest('/api/me', Whoami)
      .then(setMe)
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    const onPop = () => setPath(pathOfAddress());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const pages = me ? pagesFor(me.role) : [];
  const page = pages.find((p) => p.path === path) ?? pages[0];
  useEffect(() => {
    // /admin alone, or a page this role does not see: show the first it does, and say so in the address
    if (page && page.path !== path) {
      history.replaceState(history.state, '', `/admin/${page.path}${window.location.search}`);
      setPath(page.path);
    }
  }, [page, path]);

  const open = (to: string) => (event: React.MouseEvent) => {
    event.preventDefault();
    history.pushState(null, '', `/admin/${to}${window.location.search}`);
    setPath(to);
  };

  return (
    <>
      <header className="topbar no-print">
        <h1>
          {t('appName')} · {t('title')}
        </h1>
        <div className="topbar-tools">
          <LanguageSwitcher />
          <a href={`/${window.location.search}`}>{t('backToDashboard')}</a>
        </div>
      </header>
      {problem ? (
        <div className="banner banner-lost" role="alert">
          {problem}
        </div>
      ) : null}
      {me && pages.length === 0 ? (
        <p className="admin-refused" data-testid="admin-refused">
          {t('notForRole', { role: t(`role_${me.role}`) })}
        </p>
      ) : null}
      {me && page ? (
        <div className="admin-layout">
          <nav className="admin-nav no-print" aria-label={t('navigation')}>
            {pages.map((p) => (
              <a key={p.path} href={`/admin/${p.path}${window.location.search}`} aria-current={p === page ? 'page' : undefined} onClick={open(p.path)} data-testid={`admin-nav-${p.path}`}>
                {t(p.titleKey)}
              </a>
            ))}
          </nav>
          <main className="admin-main">
            <Suspense fallback={<p>{t('loading')}</p>}>
              <page.component me={me} />
            </Suspense>
          </main>
        </div>
      ) : null}
    </>
  );
}

export function AdminScreen() {
  return (
    <Page className="screen admin">
      <AdminBody />
    </Page>
  );
}
