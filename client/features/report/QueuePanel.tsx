// Every report on the phone and where it stands: needs attention first, then waiting, then recently sent.
import { useTranslation } from 'react-i18next';
import type { Site } from '../../../shared/schemas.ts';
import { placeName, type Format } from '../../components/format.ts';
import type { Language } from '../../lib/session.ts';
import { countByState, type ItemState, type QueueItem } from './queue.ts';
import type { QueueView, Sender } from './sender.ts';
import { reportSummary } from './summary.ts';

/** Sent reports listed on screen; more are kept on the device for the guard rails. */
const SENT_SHOWN = 20;

interface Props {
  view: QueueView;
  sender: Sender;
  sites: readonly Site[];
  format: Format;
  lang: Language;
}

export function QueuePanel({ view, sender, sites, format, lang }: Props) {
  const { t } = useTranslation('report');
  const counts = countByState(view.items);
  const byState = (state: ItemState) => view.items.filter((i) => i.state === state);
  const groups: { state: ItemState; items: QueueItem[]; count: number }[] = [
    { state: 'needs_attention', items: byState('needs_attention').sort((a, b) => a.queuedAt - b.queuedAt), count: counts.needsAttention },
    { state: 'queued', items: byState('queued').sort((a, b) => a.queuedAt - b.queuedAt), count: counts.queued },
    { state: 'sent', items: byState('sent').sort((a, b) => (b.sentAt ?? 0) - (a.sentAt ?? 0)).slice(0, SENT_SHOWN), count: counts.sent },
  ];

  return (
    <section className="report-queue" aria-labelledby="report-queue-title">
      <h2 id="report-queue-title">{t('queueTitle')}</h2>
      {view.unreadable > 0 && (
        <p className="report-note report-note-warn" role="alert">
          {t('unreadable', { count: view.unreadable })}
        </p>
      )}
      {view.items.length === 0 && <p className="report-hint">{t('emptyQueue')}</p>}
      {groups.map(
        ({ state, items, count }) =>
          count > 0 && (
            <div key={state} className={`report-group report-group-${state}`}>
              <h3>
                {t(`state_${state}`)} <span data-testid={`count-${state}`}>{format.number(count)}</span>
              </h3>
              <ul>
                {items.map((item) => (
                  <QueueRow key={item.report.id} item={item} sender={sender} site={sites.find((s) => s.id === item.report.siteId)} format={format} lang={lang} />
                ))}
              </ul>
            </div>
          ),
      )}
    </section>
  );
}

function QueueRow({ item, sender, site, format, lang }: { item: QueueItem; sender: Sender; site: Site | undefined; format: Format; lang: Language }) {
  const { t } = useTranslation('report');
  const { report } = item;
  const summary = reportSummary(report, t, format);
  return (
    <li className="report-item" data-state={item.state} data-id={report.id}>
      <div className="report-item-main">
        <strong>{site ? placeName(site, lang) : report.siteId}</strong>
        <span>{summary}</span>
      </div>
      <div className="report-hint">
        {t('observed', { time: format.dateTime(report.observedAt) })}
        {item.state === 'sent' && item.duplicate ? ` · ${t('alreadyStored')}` : ''}
        {item.state === 'queued' && item.attempts > 0 ? ` · ${t('attempts', { count: item.attempts })}` : ''}
      </div>
      {item.serverOverlap && (
        <p className="report-hint" data-testid="server-overlap">
          {t('serverOverlap')}
        </p>
      )}
      {item.state === 'needs_attention' && (
        <>
          <p className="report-error" lang="en" dir="auto">
            {item.lastError}
          </p>
          <div className="report-confirm-actions">
            <button type="button" className="report-button report-button-secondary" onClick={() => void sender.retry(report.id)}>
              {t('retry')}
            </button>
            <button
              type="button"
              className="report-button report-button-danger"
              onClick={() => {
                if (window.confirm(t('confirmRemove'))) void sender.remove(report.id);
              }}
            >
              {t('remove')}
            </button>
          </div>
        </>
      )}
    </li>
  );
}
