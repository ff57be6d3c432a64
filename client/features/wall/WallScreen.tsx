// `/wall`: the Crisis Coordination Centre's screen. No controls at all; large type; it rotates
// through the governorates with active alerts and says loudly when data is stale or the link is down.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert } from '../../../shared/schemas.ts';
import { AlertList } from '../../components/AlertList.tsx';
import { CapacityForecastPanel } from '../../components/CapacityForecast.tsx';
import { ConnectionBanner } from '../../components/ConnectionBanner.tsx';
import { HeadlineNumbers } from '../../components/HeadlineNumbers.tsx';
import { MapView } from '../../components/map/MapView.tsx';
import { Page } from '../../components/Page.tsx';
import { SheltersOverLine } from '../../components/SheltersOverLine.tsx';
import { alertText } from '../../components/alertText.ts';
import { placeName, useFormat } from '../../components/format.ts';
import { useGovernorates } from '../../components/useDashboardFeed.ts';
import { useFitCounts } from '../../components/useFitCounts.ts';
import { useNow } from '../../components/useNow.ts';
import { sheltersOverLine, wallRotation } from '../../store/derive.ts';
import { useDashboard } from '../../store/store.ts';

/** Seconds per governorate; `?rotate=` may change it (5 to 300) for a room that reads slower or faster. */
function rotationMs(): number {
  const asked = Number(new URLSearchParams(window.location.search).get('rotate'));
  return Number.isFinite(asked) && asked >= 5 && asked <= 300 ? asked * 1000 : 20_000;
}
/** A wall with no report for this long says its numbers may be out of date. */
const STALE_AFTER_MS = 30 * 60_000;
/** A critical alert raised while the wall is on stays in the banner this long (or until it closes). */
const NEW_CRITICAL_SHOWN_MS = 10 * 60_000;

function Clock({ nowMs }: { nowMs: number }) {
  const { format } = useFormat();
  return (
    <time className="wall-clock" dateTime={new Date(nowMs).toISOString()} data-testid="clock">
      {format.time(nowMs)}
    </time>
  );
}

/** Critical alerts that appeared after the wall loaded its first picture, newest first. */
function useNewCriticalAlerts(nowMs: number) {
  const alerts = useDashboard((s) => s.alerts);
  const seq = useDashboard((s) => s.seq);
  const seenAtStart = useRef<Set<string> | null>(null);
  const firstSeenAt = useRef(new Map<string, number>());
  if (seenAtStart.current === null && seq !== null) seenAtStart.current = new Set(Object.keys(alerts));
  return useMemo(() => {
    if (!seenAtStart.current) return [];
    const fresh = Object.values(alerts).filter((a) => a.severity === 'critical' && a.state === 'active' && !seenAtStart.current!.has(a.id));
    for (const a of fresh) if (!firstSeenAt.current.has(a.id)) firstSeenAt.current.set(a.id, nowMs);
    return fresh
      .filter((a) => nowMs - (firstSeenAt.current.get(a.id) ?? nowMs) < NEW_CRITICAL_SHOWN_MS)
      .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
  }, [alerts, nowMs]);
}

/** The newest two critical alerts raised while the wall is on, in the alerts' own words. */
function NewCritical({ alerts }: { alerts: readonly Alert[] }) {
  const { t } = useTranslation('alerts');
  const { format } = useFormat();
  const sites = useDashboard((s) => s.sites);
  const governorates = useGovernorates();
  if (alerts.length === 0) return null;
  return (
    <div className="wall-critical" role="alert" data-testid="new-critical">
      <strong>{t('newCritical')}:</strong>
      {alerts.slice(0, 2).map((a) => (
        <span key={a.id}>{alertText(a, t, format, sites, governorates)}</span>
      ))}
    </div>
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
  const newCritical = useNewCriticalAlerts(nowMs);
  const counts = useMemo(() => {
    const list = Object.values(alerts).filter((a) => !focus || a.governorate === focus);
    return { active: list.filter((a) => a.state === 'active').length, acknowledged: list.filter((a) => a.state === 'acknowledged').length };
  }, [alerts, focus]);

  // The side column shows what fits of the shelters over their line and of the alerts, and says how
  // many more: measured again when what it holds changes.
  const side = useRef<HTMLDivElement>(null);
  const sheltersTotal = useMemo(() => sheltersOverLine(Object.values(alerts), sites).length, [alerts, sites]);
  const alertsTotal = counts.active + counts.acknowledged;
  const sideContents = useMemo(() => {
    const alertPart = Object.values(alerts).map((a) => `${a.id}:${a.state}:${a.severity}:${a.value}`);
    const forecastPart = Object.values(rollups).map((r) => `${r.pcode}:${r.forecast?.status}:${r.forecast?.hoursToFull}`);
    return [focus, lang, ...alertPart.sort(), ...forecastPart].join('|');
  }, [alerts, rollups, focus, lang]);
  const [sheltersShown, alertsShown] = useFitCounts(side, [sheltersTotal, alertsTotal], sideContents);

  return (
    <>
      <header className="wall-top">
        <div>
          <h1 data-testid="wall-focus">{focusName}</h1>
          {focus ? <p className="wall-rotation">{t('rotation', { index: format.number(index), count: format.number(rotation.length) })}</p> : null}
        </div>
        <Clock nowMs={nowMs} />
      </header>
      <ConnectionBanner nowMs={nowMs} staleAfterMs={STALE_AFTER_MS} />
      <NewCritical alerts={newCritical} />
      <HeadlineNumbers
        rollup={focus ? (rollups[focus] ?? null) : national}
        activeAlerts={counts.active}
        acknowledgedAlerts={counts.acknowledged}
        nowMs={nowMs}
        governorate={focus}
      />
      <div className="wall-grid">
        <MapView focus={focus} interactive={false} large />
        <div className="wall-side" ref={side}>
          <CapacityForecastPanel pcode={focus ?? undefined} limit={2} variant="compact" />
          <SheltersOverLine max={sheltersShown} />
          <AlertList nowMs={nowMs} governorate={focus} max={alertsShown} />
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
