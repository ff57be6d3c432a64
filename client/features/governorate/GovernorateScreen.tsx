// `/g/:pcode`: one governorate for analysts: zoomed map, its sites, charts over time, its alerts to
// acknowledge and the thresholds that apply.
import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import { SeriesPoint } from '../../../shared/schemas.ts';
import { AlertList } from '../../components/AlertList.tsx';
import { CapacityForecastPanel } from '../../components/CapacityForecast.tsx';
import { Downloads } from '../../components/Downloads.tsx';
import { ConnectionBanner } from '../../components/ConnectionBanner.tsx';
import { ExerciseSwitch } from '../../components/ExerciseSwitch.tsx';
import { HeadlineNumbers } from '../../components/HeadlineNumbers.tsx';
import { LanguageSwitcher } from '../../components/LanguageSwitcher.tsx';
import { MapView } from '../../components/map/MapView.tsx';
import { Page } from '../../components/Page.tsx';
import { placeName, useFormat } from '../../components/format.ts';
import { useGovernorates } from '../../components/useDashboardFeed.ts';
import { useNow } from '../../components/useNow.ts';
import { apiRequest } from '../../lib/api.ts';
import { viewedWorld } from '../../lib/world.ts';
import { downsample } from '../../store/derive.ts';
import { useDashboard } from '../../store/store.ts';
import { SiteTable } from './SiteTable.tsx';
import { ThresholdList } from './ThresholdList.tsx';

// Recharts is loaded only here, in its own chunk.
const SeriesCharts = lazy(() => import('../../components/charts/SeriesCharts.tsx').then((m) => ({ default: m.SeriesCharts })));

const STALE_AFTER_MS = 60 * 60_000;
/** Charts hold at most this many points per series. */
const MAX_POINTS = 200;
/** New reports refetch the series, but not more often than this. */
const SERIES_REFRESH_MS = 5_000;

const sumRun = (run: readonly SeriesPoint[]): SeriesPoint => ({
  hour: run[0].hour,
  arrivals: run.reduce((sum, p) => sum + p.arrivals, 0),
  departures: run.reduce((sum, p) => sum + p.departures, 0),
  occupancy: run[run.length - 1].occupancy,
  capacity: run[run.length - 1].capacity,
});

function useSeries(pcode: string): { day: SeriesPoint[]; week: SeriesPoint[]; error: string | null } {
  const rollup = useDashboard((s) => s.governorateRollups[pcode]);
  const [series, setSeries] = useState<{ day: SeriesPoint[]; week: SeriesPoint[]; error: string | null }>({ day: [], week: [], error: null });
  const [tick, setTick] = useState(0);
  // A changed rollup means new reports: ask again, at most every few seconds.
  useEffect(() => {
    const timer = setTimeout(() => setTick((n) => n + 1), SERIES_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [rollup]);
  useEffect(() => {
    const controller = new AbortController();
    // the charts are of the world the screen shows: a drill's series only with ?exercise
    const world = viewedWorld() === 'exercise' ? '&exercise=only' : '';
    const get = (hours: number) =>
      apiRequest(`/api/governorates/${pcode}/series?hours=${hours}${world}`, SeriesPoint.array(), { signal: controller.signal });
    Promise.all([get(24), get(24 * 7)])
      .then(([day, week]) => setSeries({ day: downsample(day, MAX_POINTS, sumRun), week: downsample(week, MAX_POINTS, sumRun), error: null }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setSeries((s) => ({ ...s, error: error instanceof Error ? error.message : String(error) }));
      });
    return () => controller.abort();
  }, [pcode, tick]);
  return series;
}

function GovernorateBody({ pcode }: { pcode: string }) {
  const { t, lang } = useFormat();
  const nowMs = useNow(15_000);
  const governorates = useGovernorates();
  const shapesLoaded = useDashboard((s) => s.governorateShapes !== null);
  const rollup = useDashboard((s) => s.governorateRollups[pcode] ?? null);
  const alerts = useDashboard((s) => s.alerts);
  const counts = useMemo(() => {
    const list = Object.values(alerts).filter((a) => a.governorate === pcode);
    return { active: list.filter((a) => a.state === 'active').length, acknowledged: list.filter((a) => a.state === 'acknowledged').length };
  }, [alerts, pcode]);
  const series = useSeries(pcode);
  const governorate = governorates[pcode];
  const name = governorate ? placeName(governorate, lang) : pcode;

  useEffect(() => {
    document.title = `${name} · ${t('appName')}`;
  }, [name, t]);

  if (shapesLoaded && !governorate) {
    return (
      <main className="auth-screen">
        <h1>{t('unknownGovernorate', { pcode })}</h1>
        <a href={`/${window.location.search}`}>{t('backToOverview')}</a>
      </main>
    );
  }
  return (
    <>
      <header className="topbar">
        <h1 data-testid="governorate-name">{name}</h1>
        <div className="topbar-tools">
          <a href={`/${window.location.search}`}>{t('backToOverview')}</a>
          <ExerciseSwitch />
          <LanguageSwitcher />
        </div>
      </header>
      <ConnectionBanner nowMs={nowMs} staleAfterMs={STALE_AFTER_MS} />
      <HeadlineNumbers rollup={rollup} activeAlerts={counts.active} acknowledgedAlerts={counts.acknowledged} nowMs={nowMs} governorate={pcode} />
      <div className="overview-grid">
        <MapView focus={pcode} />
        <div className="side">
          <CapacityForecastPanel pcode={pcode} />
          <AlertList governorate={pcode} acknowledgeable nowMs={nowMs} />
          <ThresholdList pcode={pcode} />
        </div>
      </div>
      {series.error ? (
        <p className="error" role="alert">
          {t('loadFailed', { message: series.error })}
        </p>
      ) : null}
      <Suspense fallback={<div className="charts-placeholder" />}>
        <SeriesCharts day={series.day} week={series.week} />
      </Suspense>
      <SiteTable pcode={pcode} nowMs={nowMs} />
      <Downloads />
    </>
  );
}

export function GovernorateScreen({ pcode }: { pcode: string }) {
  return (
    <Page className="screen governorate">
      <GovernorateBody pcode={pcode} />
    </Page>
  );
}
