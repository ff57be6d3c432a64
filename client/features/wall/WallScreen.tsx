// `/wall`: the Crisis Coordination Centre's screen. No controls at all; large type that scales with
// the screen; a national strip that never leaves while it rotates through the governorates with
// active alerts; says loudly when data is stale, the link is down or a critical alert comes in.
import './wall.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert } from '../../../shared/schemas.ts';
import { AlertList } from '../../components/AlertList.tsx';
import { CapacityForecastPanel } from '../../components/CapacityForecast.tsx';
import { ConnectionBanner } from '../../components/ConnectionBanner.tsx';
import { FastestArrivals } from '../../components/FastestArrivals.tsx';
import { HeadlineNumbers } from '../../components/HeadlineNumbers.tsx';
import { MapView } from '../../components/map/MapView.tsx';
import { Page } from '../../components/Page.tsx';
import { SheltersOverLine } from '../../components/SheltersOverLine.tsx';
import { alertText } from '../../components/alertText.ts';
import { placeName, useFormat } from '../../components/format.ts';
import { useGovernorates } from '../../components/useDashboardFeed.ts';
import { useFitCounts } from '../../components/useFitCounts.ts';
import { useNow } from '../../components/useNow.ts';
import { fastestArrivals } from '../../../shared/fastestArrivals.ts';
import { sheltersOverLine, wallRotation } from '../../store/derive.ts';
import { useDashboard } from '../../store/store.ts';
import { playAlarm, soundWanted } from './alarm.ts';

/** Seconds per governorate; `?rotate=` may change it (5 to 300) for a room that reads slower or faster. */
function rotationMs(): number {
  const asked = Number(new URLSearchParams(window.location.search).get('rotate'));
  return Number.isFinite(asked) && asked >= 5 && asked <= 300 ? asked * 1000 : 20_000;
}
/** A wall with no report for this long says its numbers may be out of date. */
const STALE_AFTER_MS = 30 * 60_000;
/** The frame flashes this long after a new critical alert; the banner stays until someone acts. */
const FLASH_MS = 12_000;

/** Date, 24-hour time and the time zone, in the language (shared/format.ts, `?tz=`). */
function Clock({ nowMs }: { nowMs: number }) {
  const { format } = useFormat();
  return (
    <div className="wall-clock-block" data-testid="clock">
      <time className="wall-clock" dateTime={new Date(nowMs).toISOString()}>
        {format.time(nowMs)}
      </time>
      <span className="wall-date" data-testid="clock-date">
        {format.date(nowMs)}
        {' · '}
        <span className="nowrap" data-testid="clock-zone">
          {format.zoneName(nowMs)}
        </span>
      </span>
    </div>
  );
}

/**
 * Critical alerts that appeared after the wall loaded its first picture and are still active, newest
 * first: each stays until it is acknowledged or resolved, however long that takes.
 */
function useNewCriticalAlerts(): Alert[] {
  const alerts = useDashboard((s) => s.alerts);
  const seq = useDashboard((s) => s.seq);
  const seenAtStart = useRef<Set<string> | null>(null);
  if (seenAtStart.current === null && seq !== null) seenAtStart.current = new Set(Object.keys(alerts));
  return useMemo(() => {
    const seen = seenAtStart.current;
    if (!seen) return [];
    return Object.values(alerts)
      .filter((a) => a.severity === 'critical' && a.state === 'active' && !seen.has(a.id))
      .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
    // seq: the first picture fixes what was there at the start
  }, [alerts, seq]);
}

/** Flashes the frame (and with `?sound` sounds the alarm) once for each new critical alert. */
function useAlarm(fresh: readonly Alert[], nowMs: number): boolean {
  const announced = useRef(new Set<string>());
  const [flashUntil, setFlashUntil] = useState(0);
  useEffect(() => {
    const unannounced = fresh.filter((a) => !announced.current.has(a.id));
    if (unannounced.length === 0) return;
    for (const a of unannounced) announced.current.add(a.id);
    setFlashUntil(Date.now() + FLASH_MS);
    if (soundWanted()) playAlarm();
  }, [fresh]);
  return nowMs < flashUntil;
}

/** The newest two critical alerts raised while the wall is on, in the alerts' own words. */
function NewCritical({ alerts }: { alerts: readonly Alert[] }) {
  const { t } = useTranslation('alerts');
  const { t: tDashboard, format } = useFormat();
  const sites = useDashboard((s) => s.sites);
  const governorates = useGovernorates();
  if (alerts.length === 0) return null;
  const more = alerts.length - 2;
  return (
    <div className="wall-critical" role="alert" data-testid="new-critical">
      <strong>
        <span className="severity-shape shape-critical" aria-hidden="true" /> {t('newCritical')}:
      </strong>
      {alerts.slice(0, 2).map((a) => (
        <span key={a.id}>{alertText(a, t, format, sites, governorates)}</span>
      ))}
      {more > 0 ? <span>{tDashboard('moreCount', { count: format.number(more) })}</span> : null}
    </div>
  );
}

/** The rotating governorate's own figures, one line under its name. */
function FocusFigures({ pcode }: { pcode: string }) {
  const { t, format } = useFormat();
  const rollup = useDashboard((s) => s.governorateRollups[pcode]);
  if (!rollup) return null;
  const figures: [string, string][] = [
    [t('arrivals1h'), format.number(rollup.arrivals1h)],
    [t('arrivals24h'), format.number(rollup.arrivals24h)],
    [t('shelterOccupancy'), rollup.occupancyRatio === null ? t('noValue') : format.fullness(rollup.occupancyRatio)],
  ];
  return (
    <dl className="wall-focus-figures" data-testid="focus-figures">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className="num">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function WallBody() {
  const { t, format, lang } = useFormat();
  const nowMs = useNow(1_000);
  const alerts = useDashboard((s) => s.alerts);
  const national = useDashboard((s) => s.national);
  const rollups = useDashboard((s) => s.governorateRollups);
  const sites = useDashboard((s) => s.sites);
  const governorates = useGovernorates();
  const rotation = useMemo(() => wallRotation(Object.values(alerts)), [alerts]);
  const [step, setStep] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setStep((s) => s + 1), rotationMs());
    return () => clearInterval(timer);
  }, []);
  const focus = rotation.length ? rotation[step % rotation.length] : undefined;
  const index = rotation.length ? (step % rotation.length) + 1 : 0;
  const focusName = focus && governorates[focus] ? placeName(governorates[focus], lang) : t('nationalView');
  const newCritical = useNewCriticalAlerts();
  const flashing = useAlarm(newCritical, nowMs);
  const counts = useMemo(() => {
    const list = Object.values(alerts);
    const inFocus = list.filter((a) => !focus || a.governorate === focus);
    return {
      active: list.filter((a) => a.state === 'active').length,
      acknowledged: list.filter((a) => a.state === 'acknowledged').length,
      critical: list.filter((a) => a.severity === 'critical').length,
      warning: list.filter((a) => a.severity === 'warning').length,
      inFocus: inFocus.length,
    };
  }, [alerts, focus]);

  // The side column shows what fits of the shelters over their line and of the alerts, and says how
  // many more: measured again when what it holds changes.
  const side = useRef<HTMLDivElement>(null);
  const sheltersTotal = useMemo(() => sheltersOverLine(Object.values(alerts), sites).length, [alerts, sites]);
  const siteStates = useDashboard((s) => s.siteStates);
  const fastestTotal = useMemo(() => fastestArrivals(sites, siteStates, { governorate: focus }).length, [sites, siteStates, focus]);
  const sideContents = useMemo(() => {
    const alertPart = Object.values(alerts).map((a) => `${a.id}:${a.state}:${a.severity}:${a.value}`);
    const forecastPart = Object.values(rollups).map((r) => `${r.pcode}:${r.forecast?.status}:${r.forecast?.hoursToFull}`);
    return [focus, lang, ...alertPart.sort(), ...forecastPart].join('|');
  }, [alerts, rollups, focus, lang]);
  // the longest list gives way first, and on a tie the later one: the alerts are listed first so
  // they keep their room longest, then the checkpoints, then the shelters
  const [alertsShown, fastestShown, sheltersShown] = useFitCounts(side, [counts.inFocus, Math.min(fastestTotal, 5), sheltersTotal], sideContents);

  return (
    <>
      {flashing ? <div className="wall-flash" aria-hidden="true" data-testid="wall-flash" /> : null}
      <header className="wall-top">
        <div className="wall-title">
          <h1 data-testid="wall-focus">{focusName}</h1>
          {focus ? (
            <p className="wall-rotation">{t('rotation', { index: format.number(index), count: format.number(rotation.length) })}</p>
          ) : null}
        </div>
        {focus ? <FocusFigures pcode={focus} /> : null}
        <Clock nowMs={nowMs} />
      </header>
      {/* the national picture, whatever governorate the rest of the screen is showing */}
      <section className="wall-national" aria-labelledby="wall-national-heading" data-testid="national-strip">
        <h2 id="wall-national-heading" className="wall-strip-label">
          {t('nationalView')}
        </h2>
        <HeadlineNumbers
          rollup={national}
          activeAlerts={counts.active}
          acknowledgedAlerts={counts.acknowledged}
          nowMs={nowMs}
          severityCounts={{ critical: counts.critical, warning: counts.warning }}
        />
      </section>
      <ConnectionBanner nowMs={nowMs} staleAfterMs={STALE_AFTER_MS} />
      <NewCritical alerts={newCritical} />
      <div className="wall-grid">
        <MapView focus={focus} interactive={false} large />
        <div className="wall-side" ref={side} data-testid="wall-side">
          <AlertList nowMs={nowMs} governorate={focus} max={alertsShown} />
          <FastestArrivals governorate={focus} max={fastestShown} />
          <CapacityForecastPanel pcode={focus ?? undefined} limit={2} variant="compact" />
          <SheltersOverLine max={sheltersShown} />
        </div>
      </div>
    </>
  );
}

export function WallScreen() {
  return (
    <Page className="screen wall">
      <WallBody />
    </Page>
  );
}
