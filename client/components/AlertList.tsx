// Open alerts, most urgent first, in the chosen language; analysts and above may acknowledge.
import './AlertList.css';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert, Role } from '../../shared/schemas.ts';
import { acknowledgeAlert } from '../lib/alerts.ts';
import { ApiRequestError } from '../lib/api.ts';
import { sortAlerts } from '../store/derive.ts';
import { useDashboard } from '../store/store.ts';
import { alertText } from './alertText.ts';
import { useFormat } from './format.ts';
import { useGovernorates } from './useDashboardFeed.ts';

const MAY_ACKNOWLEDGE: readonly Role[] = ['analyst', 'coordinator', 'admin'];

interface Props {
  /** only this governorate's alerts */
  governorate?: string;
  /** show the acknowledge button to roles that may use it */
  acknowledgeable?: boolean;
  nowMs: number;
  /** at most this many, the most urgent, then "+ N more" (the wall shows what fits) */
  max?: number;
  /** only the alerts this keeps (the overview's filters); the list says how many it leaves out */
  filter?: (alert: Alert) => boolean;
  /** alerts raised after this instant are marked "new" (since the reader last looked) */
  newSince?: string | null;
}

export function AlertList({ governorate, acknowledgeable = false, nowMs, max, filter, newSince }: Props) {
  const { t } = useTranslation('alerts');
  const { t: tDashboard, format } = useFormat();
  const { t: tScreens } = useTranslation('screens');
  const alertsById = useDashboard((s) => s.alerts);
  const role = useDashboard((s) => s.role);
  const inScope = useMemo(
    () => sortAlerts(Object.values(alertsById).filter((a) => !governorate || a.governorate === governorate)),
    [alertsById, governorate],
  );
  const open = useMemo(() => (filter ? inScope.filter(filter) : inScope), [inScope, filter]);
  const filteredOut = inScope.length - open.length;
  const alerts = max === undefined ? open : open.slice(0, max);
  const notShown = open.length - alerts.length;
  const newCount = newSince ? open.filter((a) => a.raisedAt > newSince).length : 0;
  const mayAcknowledge = acknowledgeable && role !== null && MAY_ACKNOWLEDGE.includes(role);
  return (
    <section className="alerts" aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">{t('alerts')}</h2>
      {newCount > 0 ? (
        <p className="new-since" data-testid="new-since">
          {tScreens('newSince', { count: format.number(newCount) })}
        </p>
      ) : null}
      {filteredOut > 0 ? (
        <p className="hint" data-testid="filtered-out">
          {tScreens('filteredOut', { count: format.number(filteredOut) })}
        </p>
      ) : null}
      {open.length === 0 ? (
        <p className="empty">{t('noAlerts')}</p>
      ) : (
        <ul className="alert-list" data-testid="alert-list">
          {alerts.map((alert) => (
            <AlertItem key={alert.id} alert={alert} nowMs={nowMs} mayAcknowledge={mayAcknowledge} isNew={!!newSince && alert.raisedAt > newSince} />
          ))}
        </ul>
      )}
      {notShown > 0 ? (
        <p className="more" data-testid="alerts-more">
          {tDashboard('moreCount', { count: format.number(notShown) })}
        </p>
      ) : null}
      {acknowledgeable && role === 'viewer' && alerts.some((a) => a.state === 'active') ? (
        <p className="hint">{t('ackForbidden')}</p>
      ) : null}
    </section>
  );
}

/** "warning" or "critical" in words, with its shape (triangle, diamond) and the alert's colours. */
export function SeverityBadge({ severity }: { severity: Alert['severity'] }) {
  const { t } = useTranslation('alerts');
  return (
    <span className={`badge badge-${severity}`}>
      <span className={`badge-shape badge-shape-${severity}`} aria-hidden="true" />
      {t(`severity_${severity}`)}
    </span>
  );
}

function AlertItem({ alert, nowMs, mayAcknowledge, isNew }: { alert: Alert; nowMs: number; mayAcknowledge: boolean; isNew: boolean }) {
  const { t } = useTranslation('alerts');
  const { t: tScreens } = useTranslation('screens');
  const { format } = useFormat();
  const sites = useDashboard((s) => s.sites);
  const governorates = useGovernorates();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await acknowledgeAlert(alert.id, note);
      setOpen(false);
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 403) setProblem(t('ackForbidden'));
      else if (error instanceof ApiRequestError && error.status === 409) setProblem(t('ackResolved'));
      else setProblem(t('ackFailed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`alert alert-${alert.severity} alert-${alert.state}`} data-testid="alert" data-alert-id={alert.id}>
      <div className="alert-head">
        <SeverityBadge severity={alert.severity} />
        {isNew ? (
          <span className="badge badge-new" data-testid="alert-new">
            {tScreens('newMark')}
          </span>
        ) : null}
        <span className="alert-text">{alertText(alert, t, format, sites, governorates)}</span>
      </div>
      <div className="alert-meta">
        <span>{t('raised', { age: format.age(alert.raisedAt, nowMs) })}</span>
        <span className="alert-state">{t(`state_${alert.state}`)}</span>
        {alert.acknowledgedBy ? <span>{t('acknowledgedBy', { who: alert.acknowledgedBy })}</span> : null}
        {alert.note ? <q>{alert.note}</q> : null}
      </div>
      {mayAcknowledge && alert.state === 'active' && !open ? (
        <button type="button" className="ack-button" onClick={() => setOpen(true)}>
          {t('acknowledge')}
        </button>
      ) : null}
      {open ? (
        <form className="ack-form" onSubmit={(e) => void submit(e)}>
          <label>
            {t('ackNote')}
            <textarea value={note} maxLength={500} rows={2} onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="ack-actions">
            <button type="submit" disabled={busy}>
              {t('ackSend')}
            </button>
            <button type="button" onClick={() => setOpen(false)} disabled={busy}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : null}
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
    </li>
  );
}
