// What a person sees without a usable token: what to open instead.
import type { AuthProblem } from '../store/store.ts';
import { useFormat } from './format.ts';

export function AuthScreen({ problem }: { problem: Exclude<AuthProblem, null> }) {
  const { t } = useFormat();
  return (
    <main className="auth-screen" data-testid="auth-screen">
      <h1>{t(problem === 'missing' ? 'authMissingTitle' : 'authRefusedTitle')}</h1>
      <p>{t(problem === 'missing' ? 'authMissing' : 'authRefused')}</p>
    </main>
  );
}
