// The frame every dashboard screen shares: the bundled font and styles, the token check, the feed.
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-arabic/700.css';
import '../styles/dashboard.css';
import type { ReactNode } from 'react';
import { useDashboard } from '../store/store.ts';
import { AuthScreen } from './AuthScreen.tsx';
import { useFormat } from './format.ts';
import { useDashboardFeed } from './useDashboardFeed.ts';

export function Page({ className, children }: { className: string; children: ReactNode }) {
  const { t } = useFormat();
  const loadError = useDashboardFeed();
  const authProblem = useDashboard((s) => s.authProblem);
  if (authProblem) return <AuthScreen problem={authProblem} />;
  return (
    <div className={className}>
      {loadError ? (
        <div className="banner banner-lost" role="alert">
          {t('loadFailed', { message: loadError })}
        </div>
      ) : null}
      {children}
    </div>
  );
}
