// The field form at /report: pick a site, type the numbers, send; the phone keeps every report until the server has it.
import '@fontsource/noto-sans-arabic/arabic-400.css';
import '@fontsource/noto-sans-arabic/arabic-700.css';
import './report.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Site } from '../../../shared/schemas.ts';
import { LanguageSwitcher } from '../../components/LanguageSwitcher.tsx';
import { currentLanguage, makeFormat, placeName } from '../../components/format.ts';
import { getToken } from '../../lib/session.ts';
import { openDevice, registerReportServiceWorker, useOnline, useQueueView, useSites, type Device } from './device.ts';
import { QueuePanel } from './QueuePanel.tsx';
import { ReportForm } from './ReportForm.tsx';

export function ReportScreen() {
  const { t } = useTranslation('report');
  const [device, setDevice] = useState<Device | { failed: string } | undefined>();
  const hasToken = getToken() !== null;

  useEffect(() => {
    registerReportServiceWorker();
    openDevice().then(setDevice, (err: unknown) => setDevice({ failed: err instanceof Error ? err.message : String(err) }));
  }, []);

  return (
    <div className="report">
      <header className="report-header">
        <h1>{t('title')}</h1>
        <LanguageSwitcher />
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
  const sites = useSites(device.storage);
  const online = useOnline();
  const [siteId, setSiteId] = useState<string | undefined>();
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => device.sender.start(), [device]);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(tick);
  }, []);
  // Re-read the clock whenever the queue changes, so "next try at" and "last send" are current.
  useEffect(() => setNow(Date.now()), [view]);

  const siteList = sites.status === 'ready' ? sites.sites : [];
  const site: Site | undefined = siteList.find((s) => s.id === siteId) ?? (siteList.length === 1 ? siteList[0] : undefined);
  const format = makeFormat(lang);

  return (
    <>
      <StatusBar device={device} online={online} now={now} />
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
              {siteList.map((s) => (
                <label key={s.id} className="report-site" data-testid={`site-${s.id}`}>
                  <input type="radio" name="site" value={s.id} checked={site?.id === s.id} onChange={() => setSiteId(s.id)} />
                  <span className="report-site-name">{placeName(s, lang)}</span>
                  <span className="report-site-kind">{t(`kind_${s.kind}`)}</span>
                </label>
              ))}
            </fieldset>
            {site && <ReportForm key={site.id} site={site} sender={device.sender} history={view.items} format={format} />}
          </>
        )}
        <QueuePanel view={view} sender={device.sender} sites={siteList} format={format} lang={lang} />
      </main>
    </>
  );
}

function StatusBar({ device, online, now }: { device: Device; online: boolean; now: number }) {
  const { t, i18n } = useTranslation('report');
  const format = makeFormat(currentLanguage(i18n.language));
  const { sender, sending, items } = useQueueView(device.sender);
  const queued = items.filter((i) => i.state === 'queued').length;
  const nextTry = Math.max(sender.nextAttemptAt, sender.notBefore);
  return (
    <section className="report-status" aria-live="polite" data-testid="status">
      <p className={online ? 'report-online' : 'report-offline'} data-testid="network">
        {online ? t('online') : t('offline')}
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
      {queued > 0 && online && !sending && (
        <button type="button" className="report-button report-button-secondary" onClick={() => void device.sender.wake()}>
          {t('sendNow')}
        </button>
      )}
    </section>
  );
}
