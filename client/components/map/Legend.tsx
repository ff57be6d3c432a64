// The map's legend: the choropleth's classes (with the metric to choose), the site shapes and colours.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteCondition } from '../../store/derive.ts';
import { useDashboard, type ChoroplethMetric } from '../../store/store.ts';
import { useFormat, type Format } from '../format.ts';
import { CONDITION_COLOURS, METRIC_CLASSES, SITE_CONDITIONS, SITE_KINDS, noDataPatternDataUrl, siteIconDataUrl } from './mapStyle.ts';

const METRICS: readonly ChoroplethMetric[] = ['arrivals24h', 'occupancyRatio', 'openAlerts'];

function classLabel(metric: ChoroplethMetric, index: number, format: Format): string {
  const { breaks } = METRIC_CLASSES[metric];
  const show = (v: number) => (metric === 'occupancyRatio' ? format.percent(v) : format.number(v));
  const low = breaks[index] ?? 0;
  const high = breaks[index + 1];
  if (high === undefined) return `≥ ${show(low)}`;
  if (metric !== 'occupancyRatio' && high - low === 1) return show(low);
  return `${show(low)} – ${show(metric === 'occupancyRatio' ? high : high - 1)}`;
}

export function Legend({ interactive }: { interactive: boolean }) {
  const { t, format } = useFormat();
  const { t: tScreens } = useTranslation('screens');
  const metric = useDashboard((s) => s.metric);
  const setMetric = useDashboard((s) => s.setMetric);
  const icons = useMemo(() => {
    const out: Record<string, string> = {};
    for (const kind of SITE_KINDS) out[kind] = siteIconDataUrl(kind, 'unknown', 32);
    return out;
  }, []);
  const noData = useMemo(() => noDataPatternDataUrl(24), []);
  const { colours } = METRIC_CLASSES[metric];
  return (
    <aside className="legend" aria-label={t('legend')} data-testid="legend">
      {interactive ? (
        <label className="legend-metric">
          <span>{t('metric')}</span>
          <select value={metric} onChange={(e) => setMetric(e.target.value as ChoroplethMetric)} data-testid="metric">
            {METRICS.map((m) => (
              <option key={m} value={m}>
                {t(`metric_${m}`)}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <h3>{t(`metric_${metric}`)}</h3>
      )}
      <ul className="legend-classes">
        {colours.map((colour, i) => (
          <li key={colour}>
            <span className="swatch" style={{ background: colour }} />
            {classLabel(metric, i, format)}
          </li>
        ))}
        <li data-testid="legend-no-data">
          <span className="swatch" style={{ backgroundImage: `url(${noData})`, backgroundSize: '12px 12px' }} />
          {t('noValue')}
        </li>
      </ul>
      <ul className="legend-kinds">
        {SITE_KINDS.map((kind) => (
          <li key={kind}>
            <img src={icons[kind]} alt="" width={16} height={16} />
            {t(`kind_${kind}`)}
          </li>
        ))}
      </ul>
      <ul className="legend-conditions">
        {SITE_CONDITIONS.map((c: SiteCondition) => (
          <li key={c}>
            {/* a critical site also wears a ring: severity is never colour alone */}
            <span className={`dot${c === 'critical' ? ' dot-ringed' : ''}`} style={{ background: CONDITION_COLOURS[c] }} />
            {t(`condition_${c}`)}
          </li>
        ))}
      </ul>
      <ul className="legend-marks">
        <li data-testid="legend-size">
          <span className="flow-disc" aria-hidden="true" />
          {tScreens('legendSize')}
        </li>
        <li data-testid="legend-approximate">
          <span className="approximate-halo" aria-hidden="true" />
          {tScreens('legendApproximate')}
        </li>
      </ul>
    </aside>
  );
}
