// The frame every dashboard screen shares: the bundled font and styles, the token check, the feed, and
// in a drill's world the exercise frame.
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-arabic/700.css';
import '../styles/dashboard.css';
import type { ReactNode } from 'react';
import { viewedWorld } from '../lib/world.ts';
import { useDashboard } from '../store/store.ts';
import { AuthScreen } from './AuthScreen.tsx';
import { ExerciseFrame } from './ExerciseFrame.tsx';
import { PastFrame } from './PastFrame.tsx';
import { useFormat } from './format.ts';
import { useDashboardFeed } from './useDashboardFeed.ts';

export function Page({ className, children }: { className: string; children: ReactNode }) {
  const { t } = useFormat();
  const loadError = useDashboardFeed();
  const authProblem = useDashboard((s) => s.authProblem);
  const inPast = useDashboard((s) => s.pastAt !== null);
  if (authProblem) return <AuthScreen problem={authProblem} />;
  const exercise = viewedWorld() === 'exercise';
  return (
    <div className={`${className}${exercise ? ' in-exercise' : ''}${inPast ? ' in-past' : ''}`}>
      <ExerciseFrame />
      <PastFrame />
      {loadError ? (
        <div className="banner banner-lost" role="alert">
          {t('loadFailed', { message: loadError })}
        </div>
      ) : null}
      {children}
    </div>
  );
}
