// `/sitrep?at=…&lang=…`: the daily situation report, laid out for an A4 page: title, period and time of
// issue; the national figures against 24 hours before (two pictures from GET /api/snapshot?at=); a map
// of arrivals; the five governorates under most pressure with their forecast; shelters at or above
// 90 %; health posts limited or closed; open alerts with their state and notes; data coverage; the
// attribution and the data-protection line. Printed from the browser or by `npm run sitrep`.
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-arabic/700.css';
import './sitrep.css';
import { Children, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { influxThreshold, isSilent } from '../../../shared/bands.ts';
import { GovernorateCollection, Site, Snapshot, type Alert, type Governorate, type GovernorateRollup, type SiteKind } from '../../../shared/schemas.ts';
import { alertText } from '../../components/alertText.ts';
import { ATTRIBUTION } from '../../components/attribution.ts';
import { placeName, useFormat, type Format } from '../../components/format.ts';
import { METRIC_CLASSES } from '../../components/map/mapStyle.ts';
import { apiRequest } from '../../lib/api.ts';
import { getToken } from '../../lib/session.ts';
import { viewedWorld } from '../../lib/world.ts';
import { rankByPressure, sortAlerts } from '../../store/derive.ts';
import { SitrepMap } from './SitrepMap.tsx';

const DAY_MS = 24 * 3_600_000;
const FULL_LINE = 0.9;
const KINDS: SiteKind[] = ['checkpoint', 'shelter', 'health_post'];

interface Data {
  atMs: number;
  issuedMs: number;
  now: Snapshot;
  before: Snapshot;
  sites: Site[];
  shapes: GovernorateCollection;
}

/** The moment the report is of: `?at=`, else now to the minute. */
function reportMoment(): number {
  const at = Date.parse(new URLSearchParams(window.location.search).get('at') ?? '');
  return Number.isFinite(at) ? at : Math.floor(Date.now() / 60_000) * 60_000;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

async function load(signal: AbortSignal): Promise<Data> {
  const atMs = reportMoment();
  const world = viewedWorld() === 'exercise' ? '&exercise=only' : '';
  const [now, before, sites, shapes] = await Promise.all([
    apiRequest(`/api/snapshot?at=${iso(atMs)}${world}`, Snapshot, { signal }),
    apiRequest(`/api/snapshot?at=${iso(atMs - DAY_MS)}${world}`, Snapshot, { signal }),
    apiRequest('/api/sites', z.array(Site), { signal }),
    apiRequest('/api/governorates', GovernorateCollection, { signal }),
  ]);
  return { atMs, issuedMs: Date.now(), now, before, sites, shapes };
}

/** A change as a reader scans it: signed, with its share when the base is not zero. */
/** A titled section of the report with one table, or the `none` line when a list has no rows. */
function TableSection({ title, testId, className, headers, none, children }: { title: string; testId: string; className?: string; headers: string[]; none?: string; children: ReactNode }) {
  const empty = none !== undefined && Children.count(children) === 0;
  return (
    <section>
      <h2>{title}</h2>
      {empty ? (
        <p>{none}</p>
      ) : (
        <table className={className ? `sitrep-table ${className}` : 'sitrep-table'} data-testid={testId}>
          <thead>
            <tr>
              {headers.map((header, i) => (
                // by place: two headings may read alike in a language
                <th key={i}>{header}</th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
    </section>
  );
}

function change(now: number, before: number, format: Format): string {
  const diff = now - before;
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
  const share = before > 0 && diff !== 0 ? ` (${sign}${format.percent(Math.abs(diff) / before)})` : '';
  return `${sign}${format.number(Math.abs(diff))}${share}`;
}

export function SitrepScreen() {
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fontsReady, setFontsReady] = useState(false);
  const { t } = useTranslation('sitrep');
  const hasToken = getToken() !== null;

  useEffect(() => {
    if (!hasToken) return;
    const controller = new AbortController();
    load(controller.signal).then(setData, (e: unknown) => {
      if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    });
    return () => controller.abort();
  }, [hasToken]);
  useEffect(() => {
    void document.fonts.ready.then(() => setFontsReady(true));
  }, [data]);
  useEffect(() => {
    document.title = t('title', { interpolation: { escapeValue: false } });
  }, [t]);

  if (!hasToken) return <main className="sitrep-message">{t('noToken')}</main>;
  if (error)
    return (
      <main className="sitrep-message" role="alert" data-testid="sitrep-error">
        {t('failed', { message: error })}
      </main>
    );
  if (!data) return <main className="sitrep-message">{t('loading')}</main>;
  return <Report data={data} ready={fontsReady} />;
}

function Report({ data, ready }: { data: Data; ready: boolean }) {
  const { format, lang } = useFormat();
  const { t } = useTranslation('sitrep');
  const { t: tAlerts } = useTranslation('alerts');
  const { now, before, sites, shapes, atMs, issuedMs } = data;

  const sitesById = useMemo(() => Object.fromEntries(sites.map((s) => [s.id, s])), [sites]);
  const governorates = useMemo(() => {
    const out: Record<string, Governorate> = {};
    for (const f of shapes.features) out[f.properties.pcode] = f.properties;
    return out;
  }, [shapes]);
  const states = useMemo(() => new Map(now.sites.map((s) => [s.id, s])), [now]);
  const governorateName = (pcode: string) => (governorates[pcode] ? placeName(governorates[pcode], lang) : pcode);

  const headline = (snapshot: Snapshot) => {
    const n = snapshot.national;
    return {
      arrivals24h: n.arrivals24h,
      arrivals1h: n.arrivals1h,
      occupancy: n.occupancy,
      sheltersReporting: n.sheltersReporting,
      healthDown: n.healthPosts.limited + n.healthPosts.closed,
      openAlerts: snapshot.alerts.filter((a) => a.state !== 'resolved').length,
    };
  };
  const figures = headline(now);
  const figuresBefore = headline(before);
  const rows: { key: keyof typeof figures; label: string }[] = [
    { key: 'arrivals24h', label: t('fig_arrivals24h') },
    { key: 'arrivals1h', label: t('fig_arrivals1h') },
    { key: 'occupancy', label: t('fig_occupancy') },
    { key: 'sheltersReporting', label: t('fig_sheltersReporting') },
    { key: 'healthDown', label: t('fig_healthDown') },
    { key: 'openAlerts', label: t('fig_openAlerts') },
  ];

  const pressured = rankByPressure(now.governorates, now.thresholds).slice(0, 5);
  const fullShelters = sites
    .filter((s) => s.kind === 'shelter' && s.capacity)
    .map((s) => ({ site: s, state: states.get(s.id) }))
    .filter(({ site, state }) => state?.occupancy !== undefined && state.occupancy / site.capacity! >= FULL_LINE)
    .sort((a, b) => b.state!.occupancy! / b.site.capacity! - a.state!.occupancy! / a.site.capacity!);
  const healthDown = sites
    .filter((s) => s.kind === 'health_post')
    .map((s) => ({ site: s, state: states.get(s.id) }))
    .filter(({ state }) => state?.status === 'limited' || state?.status === 'closed')
    .sort((a, b) => (a.state!.status === b.state!.status ? a.site.id.localeCompare(b.site.id) : a.state!.status === 'closed' ? -1 : 1));
  const alerts = sortAlerts(now.alerts);

  const coverage = KINDS.map((kind) => {
    const mine = sites.filter((s) => s.kind === kind);
    const reporting = mine.filter((s) => {
      const last = states.get(s.id)?.lastReportAt;
      return last != null && !isSilent(s, Date.parse(last), now.thresholds, atMs);
    });
    return { kind, total: mine.length, reporting: reporting.length };
  });
  const silent = sites.filter((s) => {
    const last = states.get(s.id)?.lastReportAt;
    return last != null && isSilent(s, Date.parse(last), now.thresholds, atMs);
  });
  const never = sites.filter((s) => states.get(s.id)?.lastReportAt == null);
  const reportingAll = coverage.reduce((sum, c) => sum + c.reporting, 0);

  const forecastText = (g: GovernorateRollup) => {
    const f = g.forecast;
    if (!f) return t('forecastNone');
    if (f.hoursToFull === 0) return t('forecastFull');
    if (f.hoursToFull !== null) return t('forecastHours', { hours: format.number(f.hoursToFull) });
    return t('forecastNone');
  };
  const influxShare = (g: GovernorateRollup) => {
    return format.percent(g.arrivals24h / influxThreshold(g.pcode, now.thresholds));
  };
  const stateText = (a: Alert) =>
    a.state === 'acknowledged' ? t('stateAcknowledged', { by: a.acknowledgedBy ?? '—', at: a.acknowledgedAt ? format.dateTime(a.acknowledgedAt) : '—' }) : t('stateActive');
  const { breaks, colours } = METRIC_CLASSES.arrivals24h;

  return (
    <main className="sitrep" data-testid="sitrep" data-ready={ready} data-at={now.at}>
      <header className="sitrep-header">
        <div>
          <h1>{t('title')}</h1>
          <p className="sitrep-issuer">{t('issuer')}</p>
        </div>
        <dl className="sitrep-when">
          <dd>{t('period', { from: format.dateTime(atMs - DAY_MS), to: format.dateTime(atMs) })}</dd>
          <dd>{t('issued', { at: format.dateTime(issuedMs) })}</dd>
        </dl>
        <button type="button" className="sitrep-print" onClick={() => window.print()}>
          {t('print')}
        </button>
      </header>
      <p className="sitrep-note">{t('asKnown', { at: format.dateTime(atMs) })}</p>

      <div className="sitrep-top">
        <TableSection title={t('headlineTitle')} testId="sitrep-headline" className="sitrep-headline" headers={[t('colFigure'), t('colNow'), t('colBefore'), t('colChange')]}>
          {rows.map(({ key, label }) => (
            <tr key={key} data-figure={key} data-value={figures[key]} data-before={figuresBefore[key]}>
              <th scope="row">{label}</th>
              <td className="num strong">{format.number(figures[key])}</td>
              <td className="num">{format.number(figuresBefore[key])}</td>
              <td className="num">{change(figures[key], figuresBefore[key], format)}</td>
            </tr>
          ))}
          <tr data-figure="occupancyRatio">
            <th scope="row">{t('fig_occupancyRatio')}</th>
            <td className="num strong">{now.national.occupancyRatio === null ? t('noData') : format.fullness(now.national.occupancyRatio)}</td>
            <td className="num">{before.national.occupancyRatio === null ? t('noData') : format.fullness(before.national.occupancyRatio)}</td>
            <td />
          </tr>
        </TableSection>
        <section className="sitrep-map-section">
          <h2>{t('mapTitle')}</h2>
          <SitrepMap shapes={shapes} rollups={now.governorates} breaks={breaks} colours={colours} lang={lang} />
          <ul className="sitrep-legend" aria-hidden="true">
            {breaks.map((low, i) => (
              <li key={low}>
                <span className="swatch" style={{ background: colours[i] }} />
                {i + 1 < breaks.length ? (low === breaks[i + 1]! - 1 ? format.number(low) : `${format.number(low)}–${format.number(breaks[i + 1]! - 1)}`) : `≥ ${format.number(low)}`}
              </li>
            ))}
          </ul>
        </section>
      </div>

      <TableSection title={t('pressureTitle')} testId="sitrep-pressure" headers={[t('colGovernorate'), t('colArrivals24h'), t('colInfluxShare'), t('colOccupancy'), t('colForecast')]}>
        {pressured.map((g) => (
          <tr key={g.pcode}>
            <th scope="row">{governorateName(g.pcode)}</th>
            <td className="num">{format.number(g.arrivals24h)}</td>
            <td className="num">{influxShare(g)}</td>
            <td className="num">{g.occupancyRatio === null ? t('noData') : format.fullness(g.occupancyRatio)}</td>
            <td>{forecastText(g)}</td>
          </tr>
        ))}
      </TableSection>

      <div className="sitrep-columns">
        <TableSection title={t('sheltersTitle')} testId="sitrep-shelters" headers={[t('colShelter'), t('colPersons'), t('colCapacity'), t('colShare'), t('colLastReport')]} none={t('none')}>
          {fullShelters.map(({ site, state }) => (
            <tr key={site.id}>
              <th scope="row">{placeName(site, lang)}</th>
              <td className="num">{format.number(state!.occupancy!)}</td>
              <td className="num">{format.number(site.capacity!)}</td>
              <td className="num">{format.fullness(state!.occupancy! / site.capacity!)}</td>
              <td>{state!.lastReportAt ? format.dateTime(state!.lastReportAt) : '—'}</td>
            </tr>
          ))}
        </TableSection>
        <TableSection title={t('healthTitle')} testId="sitrep-health" headers={[t('colHealthPost'), t('colGovernorate'), t('colStatus'), t('colLastReport')]} none={t('none')}>
          {healthDown.map(({ site, state }) => (
            <tr key={site.id}>
              <th scope="row">{placeName(site, lang)}</th>
              <td>{governorateName(site.governorate)}</td>
              <td className={`status-${state!.status}`}>{t(`status_${state!.status as 'limited' | 'closed'}`)}</td>
              <td>{state!.lastReportAt ? format.dateTime(state!.lastReportAt) : '—'}</td>
            </tr>
          ))}
        </TableSection>
      </div>

      <TableSection title={t('alertsTitle')} testId="sitrep-alerts" headers={[t('colSeverity'), t('colAlert'), t('colState'), t('colRaised'), t('colNote')]} none={t('none')}>
        {alerts.map((a) => (
          <tr key={a.id} className={`severity-${a.severity}`}>
            <td>{t(`severity_${a.severity}`)}</td>
            <td>{alertText(a, tAlerts, format, sitesById, governorates)}</td>
            <td>{stateText(a)}</td>
            <td>{format.dateTime(a.raisedAt)}</td>
            <td>{a.note ?? ''}</td>
          </tr>
        ))}
      </TableSection>

      <section className="sitrep-coverage" data-testid="sitrep-coverage">
        <h2>{t('coverageTitle')}</h2>
        <p>
          {t('coverageLine', {
            reporting: format.number(reportingAll),
            total: format.number(sites.length),
            silent: format.number(silent.length),
            never: format.number(never.length),
          })}
        </p>
        <ul>
          {coverage.map((c) => (
            <li key={c.kind}>
              <strong>{t(`kind_${c.kind}`)}</strong>: {t('coverageKind', { reporting: format.number(c.reporting), total: format.number(c.total) })}
            </li>
          ))}
        </ul>
        {silent.length ? <p>{t('silentSites', { names: silent.map((s) => placeName(s, lang)).join(lang === 'en' ? ', ' : '، ') })}</p> : null}
      </section>

      <footer className="sitrep-footer">
        <p>{t('dataProtection')}</p>
        <p lang="en" dir="ltr">
          {ATTRIBUTION}
        </p>
      </footer>
    </main>
  );
}
