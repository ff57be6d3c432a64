// `/g/:pcode`: one governorate for analysts: zoomed map, its sites, charts over time, its alerts to
// acknowledge and the thresholds that apply.
import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from 'react';
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
import { TimeSlider } from '../../components/TimeSlider.tsx';
import { placeName, useFormat } from '../../components/format.ts';
import { useGovernorates } from '../../components/useDashboardFeed.ts';
import { usePictureNow } from '../../components/useNow.ts';
import { setAddressParam } from '../../lib/address.ts';
import { apiRequest } from '../../lib/api.ts';
import { viewedWorld } from '../../lib/world.ts';
import { useDashboard } from '../../store/store.ts';
import { influxThreshold } from '../../../shared/bands.ts';
import { chartData, rangeFromSearch, rangeParams, resolveRange, type ChartData, type RangeChoice, type RangeProblem, type ResolvedRange } from '../../components/charts/seriesData.ts';
import { RangePicker } from './RangePicker.tsx';
import { HeadingHerePanel } from './HeadingHerePanel.tsx';
import { SiteTable } from './SiteTable.tsx';
import { ThresholdList } from './ThresholdList.tsx';

// Recharts is loaded only here, in its own chunk.
const SeriesCharts = lazy(() => import('../../components/charts/SeriesCharts.tsx').then((m) => ({ default: m.SeriesCharts })));

const STALE_AFTER_MS = 60 * 60_000;
/** New reports refetch the series, but not more often than this. */
const SERIES_REFRESH_MS = 5_000;

/** The charts' range, read from and written to the address. */
function useRange(): [RangeChoice, (choice: RangeChoice) => void] {
  const [choice, setChoice] = useState<RangeChoice>(() => rangeFromSearch(window.location.search));
  const choose = useCallback((next: RangeChoice) => {
    for (const [name, value] of Object.entries(rangeParams(next))) setAddressParam(name, value);
    setChoice(next);
  }, []);
  return [choice, choose];
}

interface SeriesState {
  range: ResolvedRange | null;
  data: ChartData | null;
  error: string | null;
}

/**
 * One request for every chart: the range ends now, or at the moment a past picture shows, and each
 * site's own values come with the governorate's (`by=site`), so the parts and the whole are of one answer.
 */
function useSeries(pcode: string, choice: RangeChoice): SeriesState & { problem: RangeProblem | null } {
  const rollup = useDashboard((s) => s.governorateRollups[pcode]);
  const pastAt = useDashboard((s) => s.pastAt);
  const sites = useDashboard((s) => s.sites);
  const [series, setSeries] = useState<SeriesState & { problem: RangeProblem | null }>({ range: null, data: null, error: null, problem: null });
  const [tick, setTick] = useState(0);
  // A changed rollup means new reports: ask again, at most every few seconds.
  useEffect(() => {
    const timer = setTimeout(() => setTick((n) => n + 1), SERIES_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [rollup]);
  const choiceKey = JSON.stringify(choice);
  useEffect(() => {
    const controller = new AbortController();
    const range = resolveRange(choice, pastAt ? Date.parse(pastAt) : Date.now());
    if ('problem' in range) {
      setSeries((s) => ({ ...s, problem: range.problem }));
      return;
    }
    const mine = Object.values(sites).filter((s) => s.governorate === pcode);
    // the charts are of the world the screen shows: a drill's series only with ?exercise
    const world = viewedWorld() === 'exercise' ? '&exercise=only' : '';
    const iso = (ms: number) => new Date(ms).toISOString();
    apiRequest(`/api/governorates/${pcode}/series?from=${iso(range.fromMs)}&to=${iso(range.toMs)}&bucket=${range.bucket}&by=site${world}`, SeriesPoint.array(), {
      signal: controller.signal,
    })
      .then((points) => setSeries({ range, data: chartData(points, mine), error: null, problem: null }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setSeries((s) => ({ ...s, error: error instanceof Error ? error.message : String(error), problem: null }));
      });
    return () => controller.abort();
    // choiceKey stands for choice, which is a new object on every render
  }, [pcode, choiceKey, pastAt, tick, sites]);
  return series;
}

function GovernorateBody({ pcode }: { pcode: string }) {
  const { t, lang } = useFormat();
  const nowMs = usePictureNow(15_000);
  const governorates = useGovernorates();
  const shapesLoaded = useDashboard((s) => s.governorateShapes !== null);
  const rollup = useDashboard((s) => s.governorateRollups[pcode] ?? null);
  const alerts = useDashboard((s) => s.alerts);
  const counts = useMemo(() => {
    const list = Object.values(alerts).filter((a) => a.governorate === pcode);
    return { active: list.filter((a) => a.state === 'active').length, acknowledged: list.filter((a) => a.state === 'acknowledged').length };
  }, [alerts, pcode]);
  const inPast = useDashboard((s) => s.pastAt !== null);
  const [rangeChoice, chooseRange] = useRange();
  const series = useSeries(pcode, rangeChoice);
  const thresholds = useDashboard((s) => s.thresholds);
  const influxLine = thresholds ? influxThreshold(pcode, thresholds) : null;
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
      <TimeSlider />
      <HeadlineNumbers rollup={rollup} activeAlerts={counts.active} acknowledgedAlerts={counts.acknowledged} nowMs={nowMs} governorate={pcode} />
      <div className="overview-grid">
        <MapView focus={pcode} />
        <div className="side">
          <CapacityForecastPanel pcode={pcode} />
          <HeadingHerePanel pcode={pcode} />
          {/* an alert of the past is not there to acknowledge: only the live list offers it */}
          <AlertList governorate={pcode} acknowledgeable={!inPast} nowMs={nowMs} />
          <ThresholdList pcode={pcode} />
        </div>
      </div>
      {series.error ? (
        <p className="error" role="alert">
          {t('loadFailed', { message: series.error })}
        </p>
      ) : null}
      <RangePicker choice={rangeChoice} shown={series.range} problem={series.problem} onChoose={chooseRange} />
      <Suspense fallback={<div className="charts-placeholder" />}>
        {series.data && series.range ? <SeriesCharts data={series.data} range={series.range} influxLine={influxLine} /> : <div className="charts-placeholder" />}
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
