// The field form at /report: pick a site, type the numbers, send; the phone keeps every report until the server has it.
import '@fontsource/noto-sans-arabic/arabic-400.css';
import '@fontsource/noto-sans-arabic/arabic-700.css';
import './report.css';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Site } from '../../../shared/schemas.ts';
import { LanguageSwitcher } from '../../components/LanguageSwitcher.tsx';
import { currentLanguage, makeFormat, placeName } from '../../components/format.ts';
import { getToken } from '../../lib/session.ts';
import type { Connection } from './connection.ts';
import { backgroundSyncSupported, openDevice, registerReportServiceWorker, useConnection, useQueueView, useServerRecent, useSites, watchConnection, type Device } from './device.ts';
import { lastReport } from './guardRails.ts';
import { QueuePanel } from './QueuePanel.tsx';
import { ReportForm } from './ReportForm.tsx';
import { reportSummary } from './summary.ts';

/** The lead's last chosen site and the sunlight mode, kept on the phone across reloads. */
const SITE_KEY = 'amina.report.site';
const SUNLIGHT_KEY = 'amina.report.sunlight';

function remembered(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage full or refused: the choice lasts until the page closes.
  }
}

export function ReportScreen() {
  const { t } = useTranslation('report');
  const [device, setDevice] = useState<Device | { failed: string } | undefined>();
  const [sunlight, setSunlight] = useState(() => remembered(SUNLIGHT_KEY) === 'on');
  const hasToken = getToken() !== null;

  useEffect(() => {
    registerReportServiceWorker();
    openDevice().then(setDevice, (err: unknown) => setDevice({ failed: err instanceof Error ? err.message : String(err) }));
  }, []);

  return (
    <div className={sunlight ? 'report report-sunlight' : 'report'}>
      <header className="report-header">
        <h1>{t('title')}</h1>
        <div className="report-header-tools">
          <button
            type="button"
            className="report-toggle"
            aria-pressed={sunlight}
            data-testid="sunlight"
            onClick={() => {
              setSunlight(!sunlight);
              remember(SUNLIGHT_KEY, sunlight ? null : 'on');
            }}
          >
            {t('sunlight')}
          </button>
          <LanguageSwitcher />
        </div>
      </header>
      {!hasToken ? (
        <p className="report-note report-note-warn" role="alert">
          {t('noToken')}
        </p>
      ) : device === undefined ? null : 'failed' in device ? (
        <p className="report-note report-note-warn" role="alert">
          {device.failed}
        </p>
      ) : (
        <ReportDevice device={device} />
      )}
    </div>
  );
}

function ReportDevice({ device }: { device: Device }) {
  const { t, i18n } = useTranslation('report');
  const lang = currentLanguage(i18n.language);
  const view = useQueueView(device.sender);
  const connection = useConnection(device.connection);
  const sites = useSites(device.storage, connection);
  const [siteId, setSiteId] = useState<string | undefined>(() => remembered(SITE_KEY) ?? undefined);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => device.sender.start(), [device]);
  useEffect(() => watchConnection(device.connection), [device]);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(tick);
  }, []);
  // Re-read the clock whenever the queue changes, so "next try at" and "last send" are current.
  useEffect(() => setNow(Date.now()), [view]);

  // A closed site takes no report: the form does not offer it (the server would refuse it anyway).
  const siteList = useMemo(() => (sites.status === 'ready' ? sites.sites.filter((s) => !s.closedAt) : []), [sites]);
  const site: Site | undefined = siteList.find((s) => s.id === siteId) ?? (siteList.length === 1 ? siteList[0] : undefined);
  const format = makeFormat(lang);
  const recent = useServerRecent(
    siteList.map((s) => s.id),
    connection,
    view.sender.lastSuccessAt,
  );
  const choose = (id: string) => {
    setSiteId(id);
    remember(SITE_KEY, id);
  };

  return (
    <>
      <StatusBar device={device} connection={connection} now={now} />
      <main className="report-main">
        {sites.status === 'loading' && <p className="report-note">{t('loadingSites')}</p>}
        {sites.status === 'missing' && (
          <p className="report-note report-note-warn" role="alert">
            {sites.refused ? t('sitesRefused', { message: sites.refused }) : t('noSites')}
          </p>
        )}
        {sites.status === 'ready' && (
          <>
            {sites.refused && (
              <p className="report-note report-note-warn" role="alert">
                {t('sitesRefused', { message: sites.refused })}
              </p>
            )}
            {sites.fromDevice && !sites.refused && <p className="report-note">{t('sitesFromDevice')}</p>}
            <fieldset className="report-sites">
              <legend>{t('chooseSite')}</legend>
              {siteList.map((s) => {
                const last = lastReport(s.id, view.items, recent.get(s.id));
                return (
                  <label key={s.id} className="report-site" data-testid={`site-${s.id}`}>
                    <input type="radio" name="site" value={s.id} checked={site?.id === s.id} onChange={() => choose(s.id)} />
                    <span className="report-site-name">{placeName(s, lang)}</span>
                    <span className="report-site-kind">{t(`kind_${s.kind}`)}</span>
                    <span className="report-site-last" data-testid={`last-${s.id}`}>
                      {last
                        ? t('lastReport', { summary: reportSummary(last, t, format), time: format.dateTime(last.observedAt) })
                        : t('noReportYet')}
                    </span>
                  </label>
                );
              })}
            </fieldset>
            {site && (
              <ReportForm key={site.id} site={site} sender={device.sender} history={view.items} serverReports={recent.get(site.id) ?? []} format={format} />
            )}
          </>
        )}
        <QueuePanel view={view} sender={device.sender} sites={siteList} format={format} lang={lang} />
      </main>
    </>
  );
}

const CONNECTION_TEXT = { online: 'online', offline: 'offline', unreachable: 'unreachable', checking: 'checking' } as const;

function StatusBar({ device, connection, now }: { device: Device; connection: Connection; now: number }) {
  const { t, i18n } = useTranslation('report');
  const format = makeFormat(currentLanguage(i18n.language));
  const { sender, sending, items } = useQueueView(device.sender);
  const queued = items.filter((i) => i.state === 'queued').length;
  const nextTry = Math.max(sender.nextAttemptAt, sender.notBefore);
  const online = connection === 'online';
  const backgroundSync = backgroundSyncSupported();
  return (
    <section className="report-status" aria-live="polite" data-testid="status">
      <p className={`report-connection report-connection-${connection}`} data-testid="network" data-state={connection}>
        {t(CONNECTION_TEXT[connection])}
      </p>
      <p data-testid="last-success">
        {sender.lastSuccessAt ? t('lastSuccess', { time: format.age(new Date(sender.lastSuccessAt).toISOString(), now) }) : t('neverSent')}
      </p>
      {sending && <p>{t('sending')}</p>}
      {sender.blocked ? (
        <p className="report-note-warn" role="alert">
          {t('blocked', { message: sender.blocked })}
        </p>
      ) : (
        queued > 0 &&
        sender.lastError && (
          <p>
            {t('lastProblem', { message: sender.lastError })}
            {nextTry > now && online ? ` · ${t('nextTry', { time: format.time(nextTry) })}` : ''}
          </p>
        )
      )}
      {queued > 0 &&
        // Where the browser has Background Sync the worker sends the queue after the page is closed;
        // elsewhere (Firefox, Safari) nothing does, and the lead is told to keep it open.
        (backgroundSync ? (
          <p className="report-hint" data-testid="sent-in-background">
            {t('sentInBackground')}
          </p>
        ) : (
          <p className="report-hint" data-testid="keep-open">
            {t('keepOpen')}
          </p>
        ))}
      {queued > 0 && online && !sending && (
        <button type="button" className="report-button report-button-secondary" onClick={() => void device.sender.wake()}>
          {t('sendNow')}
        </button>
      )}
    </section>
  );
}
