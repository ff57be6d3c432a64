// `/`: the national picture: headline numbers, the map, the shelters over their line, governorates by
// pressure, the alert list.
import './overview.css';
import { useCallback, useMemo, useState } from 'react';
import type { Alert } from '../../../shared/schemas.ts';
import { AboutPanel } from '../../components/AboutPanel.tsx';
import { AlertList } from '../../components/AlertList.tsx';
import { CapacityForecastPanel } from '../../components/CapacityForecast.tsx';
import { Downloads } from '../../components/Downloads.tsx';
import { ConnectionBanner } from '../../components/ConnectionBanner.tsx';
import { ExerciseSwitch } from '../../components/ExerciseSwitch.tsx';
import { FastestArrivals } from '../../components/FastestArrivals.tsx';
import { HeadlineNumbers } from '../../components/HeadlineNumbers.tsx';
import { LanguageSwitcher } from '../../components/LanguageSwitcher.tsx';
import { MapView } from '../../components/map/MapView.tsx';
import { Page } from '../../components/Page.tsx';
import { PressureRanking } from '../../components/PressureRanking.tsx';
import { SheltersOverLine } from '../../components/SheltersOverLine.tsx';
import { useFormat } from '../../components/format.ts';
import { TimeSlider } from '../../components/TimeSlider.tsx';
import { usePictureNow } from '../../components/useNow.ts';
import { useDashboard } from '../../store/store.ts';
import { AlertFiltersBar } from './AlertFiltersBar.tsx';
import { keeps, loadFilters, saveFilters, takeLastSeen, type AlertFilters } from './alertFilters.ts';

/** No report anywhere for this long, and the page says the numbers may be out of date. */
const STALE_AFTER_MS = 60 * 60_000;

function OverviewBody() {
  const { t } = useFormat();
  const nowMs = usePictureNow(15_000);
  const [aboutOpen, setAboutOpen] = useState(false);
  const national = useDashboard((s) => s.national);
  const alerts = useDashboard((s) => s.alerts);
  const counts = useMemo(() => {
    const list = Object.values(alerts);
    return { active: list.filter((a) => a.state === 'active').length, acknowledged: list.filter((a) => a.state === 'acknowledged').length };
  }, [alerts]);
  const openGovernorate = (pcode: string) => window.location.assign(`/g/${pcode}${window.location.search}`);
  const [filters, setFilters] = useState<AlertFilters>(loadFilters);
  const changeFilters = (next: AlertFilters) => {
    saveFilters(next);
    setFilters(next);
  };
  const filter = useCallback((a: Alert) => keeps(filters, a), [filters]);
  // what this device saw last time: alerts raised since are marked new for the whole visit
  const [lastSeen] = useState(() => takeLastSeen(new Date().toISOString()));
  return (
    <>
      <header className="topbar">
        <h1>
          {t('appName')} · {t('overview')}
        </h1>
        <div className="topbar-tools">
          <ExerciseSwitch />
          <LanguageSwitcher />
          <button type="button" onClick={() => setAboutOpen(true)} data-testid="about-open">
            {t('about')}
          </button>
        </div>
      </header>
      <ConnectionBanner nowMs={nowMs} staleAfterMs={STALE_AFTER_MS} />
      <TimeSlider />
      <HeadlineNumbers rollup={national} activeAlerts={counts.active} acknowledgedAlerts={counts.acknowledged} nowMs={nowMs} />
      <div className="overview-grid">
        <MapView onSelectGovernorate={openGovernorate} />
        <div className="side">
          <FastestArrivals />
          <CapacityForecastPanel />
          <SheltersOverLine />
        </div>
        <div className="overview-alerts">
          <AlertFiltersBar filters={filters} onChange={changeFilters} />
          <AlertList nowMs={nowMs} filter={filter} newSince={lastSeen} />
        </div>
      </div>
      <PressureRanking />
      <Downloads />
      {aboutOpen ? <AboutPanel onClose={() => setAboutOpen(false)} /> : null}
    </>
  );
}

export function OverviewScreen() {
  return (
    <Page className="screen overview">
      <OverviewBody />
    </Page>
  );
}
