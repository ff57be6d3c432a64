// The audit log (admins): who did what and when, filtered by actor, action and time, page by page,
// and the same selection downloaded as CSV (fetched with the token, never a token in a link).
import { useCallback, useEffect, useRef, useState } from 'react';
import { AuditAction, AuditEntry } from '../../../shared/audit.ts';
import { apiRequest } from '../../lib/api.ts';
import { downloadWithToken } from '../../lib/download.ts';
import { refusalOf, useAdminOps, type Refusal } from './adminOps.ts';
import { FieldProblem, RefusalLine } from './Refusal.tsx';

const PAGE = 50;

interface Filters {
  actor: string;
  action: string;
  /** as a datetime-local input gives it: the device's local time, no offset */
  from: string;
  to: string;
}

/** The filters as a query; a local time becomes an instant with an offset, as the API wants. */
function queryOf(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.actor.trim()) q.set('actor', f.actor.trim());
  if (f.action) q.set('action', f.action);
  for (const key of ['from', 'to'] as const) {
    if (!f[key]) continue;
    const ms = new Date(f[key]).getTime();
    q.set(key, Number.isFinite(ms) ? new Date(ms).toISOString() : f[key]);
  }
  return q;
}

/** `thresholds.change` → `action_thresholds_change`: i18next reads a dot as nesting. */
type Underscored<S extends string> = S extends `${infer A}.${infer B}` ? `${A}_${B}` : S;
export const actionKey = <A extends AuditAction>(action: A) => `action_${action.replace('.', '_')}` as `action_${Underscored<A>}`;

export function AuditPage() {
  const { t, format } = useAdminOps();
  const [filters, setFilters] = useState<Filters>({ actor: '', action: '', from: '', to: '' });
  const [applied, setApplied] = useState<Filters>(filters);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [note, setNote] = useState<string | null>(null);

  // Only the latest question's answer is shown: an earlier one answered late must not overwrite it.
  const latest = useRef(0);
  const load = useCallback(async (f: Filters, before?: string) => {
    const asked = ++latest.current;
    setRefusal(null);
    const q = queryOf(f);
    q.set('limit', String(PAGE));
    if (before) q.set('before', before);
    try {
      const page = await apiRequest(`/api/audit?${q}`, AuditEntry.array());
      if (asked !== latest.current) return;
      setEntries((known) => (before ? [...known, ...page] : page));
      setMore(page.length === PAGE);
    } catch (err) {
      if (asked === latest.current) setRefusal(refusalOf(err));
    }
  }, []);

  useEffect(() => {
    void load(applied);
  }, [applied, load]);

  async function download() {
    setNote(null);
    try {
      const name = await downloadWithToken(`/api/export/audit.csv?${queryOf(applied)}`, 'amina-audit.csv');
      setNote(t('downloaded', { name }));
    } catch (err) {
      setRefusal(refusalOf(err));
    }
  }

  const problem = (field: string) => <FieldProblem refusal={refusal} field={field} />;
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value });

  return (
    <section className="audit-page" data-testid="audit-page">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filters);
        }}
      >
        <div className="field">
          <label htmlFor="audit-actor">{t('filterActor')}</label>
          <input id="audit-actor" value={filters.actor} onChange={set('actor')} data-field="actor" />
          {problem('actor')}
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t('filterAction')}</label>
          <select id="audit-action" value={filters.action} onChange={set('action')} data-field="action">
            <option value="">{t('anyAction')}</option>
            {AuditAction.options.map((a) => (
              <option key={a} value={a}>
                {t(actionKey(a))}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t('filterFrom')}</label>
          <input id="audit-from" type="datetime-local" step={1} value={filters.from} onChange={set('from')} data-field="from" />
          {problem('from')}
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t('filterTo')}</label>
          <input id="audit-to" type="datetime-local" step={1} value={filters.to} onChange={set('to')} data-field="to" />
          {problem('to')}
        </div>
        <div className="actions">
          <button type="submit" className="primary" data-testid="audit-apply">
            {t('apply')}
          </button>
          <button type="button" onClick={() => void download()} data-testid="audit-download">
            {t('downloadCsv')}
          </button>
        </div>
      </form>
      <RefusalLine refusal={refusal} testId="audit-refusal" />
      {note ? <p role="status">{note}</p> : null}
      {entries.length === 0 && !refusal ? <p>{t('noEntries')}</p> : null}
      <table className="audit-table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('colAt')}</th>
            <th>{t('colActor')}</th>
            <th>{t('colAction')}</th>
            <th>{t('colSubject')}</th>
            <th>{t('colDetails')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td>{format.dateTime(e.at)}</td>
              <td>
                <bdi>{e.actor.label}</bdi> <span className="muted">({e.actor.role})</span>
              </td>
              <td>{t(actionKey(e.action))}</td>
              <td dir="ltr">{e.subject ?? ''}</td>
              <td className="details" dir="ltr">
                {JSON.stringify(e.details).slice(0, 160)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {more ? (
        <button type="button" onClick={() => void load(applied, entries[entries.length - 1]?.id)} data-testid="audit-more">
          {t('more')}
        </button>
      ) : null}
    </section>
  );
}
