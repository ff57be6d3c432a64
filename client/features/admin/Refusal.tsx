// How the admin operations pages show a refusal of the server's: its words beside each field it names,
// and the whole answer above the page's results.
import { useTranslation } from 'react-i18next';
import type { Refusal } from './adminOps.ts';

/** The server's words about one field, beside it. */
export function FieldProblem({ refusal, field }: { refusal: Refusal | null; field: string }) {
  const message = refusal?.fields.get(field);
  return message ? (
    <span className="problem" data-problem-for={field}>
      {message}
    </span>
  ) : null;
}

/** The refusal as a whole, announced to screen readers. */
export function RefusalLine({ refusal, testId }: { refusal: Refusal | null; testId: string }) {
  const { t } = useTranslation('adminops');
  return refusal ? (
    <p className="refusal" role="alert" data-testid={testId}>
      {t('fieldProblems', { message: refusal.message })}
    </p>
  ) : null;
}
