// When a governorate's shelters will be full at the current inflow, with its range and the assumptions
// behind it (docs/forecast.md). `CapacityForecast` draws one forecast from props; `CapacityForecastPanel`
// reads the store for a screen: one governorate, or the governorates projected to fill soonest.
import './CapacityForecast.css';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_CAPACITY_EXHAUSTION,
  FORECAST_HORIZON_HOURS,
  INFLOW_WINDOW_HOURS,
  MIN_ARRIVAL_REPORTS,
  MIN_SPAN_HOURS,
} from '../../shared/forecast.ts';
import { capacityExhaustionBand } from '../../shared/alerts.ts';
import type { CapacityForecast as Forecast, Thresholds } from '../../shared/schemas.ts';
import { forecastsToList, sheltersOverLine } from '../store/derive.ts';
import { useDashboard } from '../store/store.ts';
import { placeName, useFormat, wholePercentDown } from './format.ts';
import { useGovernorates } from './useDashboardFeed.ts';

/** Under two days a span reads in hours; from then on in days, the unit a planner thinks in. */
const HOURS_SHOWN_UP_TO = 48;

type Settings = Thresholds['capacityExhaustion'];

/** The screens' format (shared/format.ts) with the forecast's own words for spans and rates. */
function useForecastFormat() {
  const { t } = useTranslation('forecast');
  const { format: base, lang } = useFormat();
  const format = useMemo(() => {
    // projections are whole hours: "within the hour" has its own sentence, so a span is at least 1 h
    const span = (h: number) => (h < HOURS_SHOWN_UP_TO ? base.hours(Math.max(1, Math.round(h))) : base.days(Math.round(h / 24)));
    return {
      number: base.number,
      /** an estimated rate of persons, whole: a projection's 950.3 an hour is no better known than 950 */
      persons: (n: number) => base.number(Math.round(n)),
      percent: base.percent,
      span,
      /** a setting in hours as the coordinator wrote it, 1.5 h included */
      setting: base.hours,
      /** the spans every forecast sentence may name, in the language */
      fixed: { window: span(INFLOW_WINDOW_HOURS), horizon: span(FORECAST_HORIZON_HOURS), span: span(MIN_SPAN_HOURS), min: base.number(MIN_ARRIVAL_REPORTS) },
    };
  }, [base]);
  return { t, format, lang };
}

type Level = 'critical' | 'warning' | 'none';

interface Props {
  forecast: Forecast | undefined;
  governorateName: string;
  thresholds: Settings | null | undefined;
  /** `full` lists every assumption (the drill-down); `compact` is one line under the headline */
  variant?: 'full' | 'compact';
}

/** How much of the projection is onward movement from other governorates (docs/forecast.md): a sentence of its own. */
function OnwardShare({ forecast, format }: { forecast: Forecast; format: ReturnType<typeof useForecastFormat>['format'] }) {
  const { t } = useTranslation('onward');
  if (forecast.onwardShare === undefined || forecast.onwardPerHour === undefined) return null;
  return (
    <p className="cf-onward" data-testid="forecast-onward">
      {t('forecastShare', { share: format.percent(forecast.onwardShare), rate: format.persons(forecast.onwardPerHour) })}
    </p>
  );
}

export function CapacityForecast({ forecast, governorateName, thresholds, variant = 'full' }: Props) {
  const { t, format } = useForecastFormat();
  if (!forecast) return null;
  const settings = thresholds ?? DEFAULT_CAPACITY_EXHAUSTION;
  const name = governorateName;
  const f = forecast;

  let headline: string;
  let range: string | null = null;
  switch (f.status) {
    case 'projected':
      if (f.hoursToFull! > FORECAST_HORIZON_HOURS) headline = t('beyond', { name, horizon: format.fixed.horizon });
      else if (f.hoursToFull === 0) headline = t('projectedSoon', { name });
      else headline = t('projected', { name, time: format.span(f.hoursToFull!) });
      if (f.hoursToFull! <= FORECAST_HORIZON_HOURS && f.hoursToFullLow !== null) {
        const low = format.span(f.hoursToFullLow);
        range =
          f.hoursToFullHigh === null || f.hoursToFullHigh > FORECAST_HORIZON_HOURS
            ? t('rangeOpen', { low })
            : t('range', { low, high: format.span(f.hoursToFullHigh) });
      }
      break;
    case 'full':
      headline = f.inflowPerHour ? t('full', { name }) : t('fullQuiet', { name });
      break;
    case 'no_inflow':
      headline = t('noInflow', { name, window: format.fixed.window });
      break;
    case 'thin_data':
      headline = t('thin', { name, count: format.number(f.arrivalReports), ...format.fixed });
      break;
    case 'no_occupancy':
      headline = t('noOccupancy', { name });
      break;
    case 'no_shelters':
      headline = t('noShelters', { name });
      break;
  }

  const inflow =
    f.inflowPerHour === null
      ? t('inflowUnknown')
      : t('inflowValue', {
          rate: format.persons(f.inflowPerHour),
          low: format.persons(f.inflowLowPerHour ?? f.inflowPerHour),
          high: format.persons(f.inflowHighPerHour ?? f.inflowPerHour),
        });
  // the band the capacity_exhaustion rule gives this forecast, from the one definition in shared/
  const level: Level = capacityExhaustionBand(f, { capacityExhaustion: settings })?.severity ?? 'none';
  return (
    <div className={`capacity-forecast level-${level}`} data-testid="capacity-forecast" data-status={f.status} data-level={level}>
      <p className="cf-headline">{headline}</p>
      {range ? <p className="cf-range">{range}</p> : null}
      <OnwardShare forecast={f} format={format} />
      {variant === 'full' ? (
        <dl className="cf-assumptions" aria-label={t('assumptions')}>
          <dt>{t('inflow')}</dt>
          <dd>{inflow}</dd>
          <dt>{t('smoothing')}</dt>
          <dd>{t('smoothingValue', { time: format.setting(f.smoothingHours), window: format.fixed.window })}</dd>
          <dt>{t('share')}</dt>
          <dd>{t('shareValue', { share: format.percent(f.shelterShare) })}</dd>
          <dt>{t('room')}</dt>
          <dd>
            {t('roomValue', {
              places: format.number(f.remainingCapacity),
              reporting: format.number(f.sheltersReporting),
              shelters: format.number(f.shelters),
            })}
          </dd>
        </dl>
      ) : f.inflowPerHour !== null && f.shelters > 0 ? (
        <p className="cf-summary">
          {t('summary', {
            rate: format.persons(f.inflowPerHour),
            share: format.percent(f.shelterShare),
            places: format.number(f.remainingCapacity),
          })}
        </p>
      ) : null}
    </div>
  );
}

/** How many shelters the "over the line" sentence names before it says "and N more". */
const OVER_LINE_NAMED = 3;

interface PanelProps {
  /** one governorate in full (the drill-down); without it, the governorates projected to fill soonest */
  pcode?: string;
  /** at most this many governorates in the list */
  limit?: number;
  /** for one governorate: `compact` where space is short (the wall display) */
  variant?: 'full' | 'compact';
}

/**
 * Names the shelters at or above their warning line (open shelter_capacity alerts), so that the
 * forecast never reads as "nothing fills" beside an alert saying a camp is at 95 %.
 */
function OverLine({ pcode }: { pcode?: string }) {
  const { t, format, lang } = useForecastFormat();
  const alerts = useDashboard((s) => s.alerts);
  const sites = useDashboard((s) => s.sites);
  const over = useMemo(
    () => sheltersOverLine(Object.values(alerts), sites).filter(({ alert }) => !pcode || alert.governorate === pcode),
    [alerts, sites, pcode],
  );
  if (over.length === 0) return null;
  const names = over
    .slice(0, OVER_LINE_NAMED)
    .map(({ alert, site, ratio }) => `${site ? placeName(site, lang) : alert.siteId} (${ratio === null ? '—' : format.percent(wholePercentDown(ratio))})`)
    .join(lang === 'en' ? ', ' : '، ');
  const more = over.length - OVER_LINE_NAMED;
  return (
    <p className="cf-over-line" data-testid="forecast-over-line">
      {more > 0 ? t('overLineMore', { names, count: format.number(more) }) : t('overLine', { names })}
    </p>
  );
}

export function CapacityForecastPanel({ pcode, limit = 5, variant = 'full' }: PanelProps) {
  const { t, format, lang } = useForecastFormat();
  const rollups = useDashboard((s) => s.governorateRollups);
  const alerts = useDashboard((s) => s.alerts);
  const thresholds = useDashboard((s) => s.thresholds?.capacityExhaustion);
  const governorates = useGovernorates();
  const nameOf = (code: string) => (governorates[code] ? placeName(governorates[code], lang) : code);
  const { ranked, anyKnown, anyAlert } = useMemo(() => {
    const all = Object.values(rollups);
    // "none will fill" only where some governorate could be projected; otherwise say we cannot tell
    const known = all.some(({ forecast: f }) => f?.status === 'projected' || f?.status === 'no_inflow' || f?.status === 'full');
    const open = Object.values(alerts);
    return {
      ranked: forecastsToList(all, open, FORECAST_HORIZON_HOURS).slice(0, limit),
      anyKnown: known,
      anyAlert: open.some((a) => a.rule === 'shelter_capacity' || a.rule === 'capacity_exhaustion'),
    };
  }, [rollups, alerts, limit]);

  if (pcode) {
    const forecast = rollups[pcode]?.forecast;
    if (!forecast) return null;
    return (
      <section className="capacity-forecast-panel" aria-labelledby="capacity-forecast-heading" data-testid="capacity-forecast-panel">
        <h2 id="capacity-forecast-heading">{t('title')}</h2>
        <CapacityForecast forecast={forecast} governorateName={nameOf(pcode)} thresholds={thresholds} variant={variant} />
        {/* on the wall the list of shelters over their line stands right below: not twice */}
        {forecast.status !== 'full' && variant === 'full' ? <OverLine pcode={pcode} /> : null}
        {variant === 'compact' ? (
          <p className="cf-list-assumptions">
            {t('listAssumptions', { time: format.setting(forecast.smoothingHours), window: format.fixed.window })}
          </p>
        ) : null}
      </section>
    );
  }
  const settings = thresholds ?? DEFAULT_CAPACITY_EXHAUSTION;
  return (
    <section className="capacity-forecast-panel" aria-labelledby="capacity-forecast-heading" data-testid="capacity-forecast-panel">
      <h2 id="capacity-forecast-heading">{t('title')}</h2>
      {ranked.length ? (
        <ul className="cf-list">
          {ranked.map(({ pcode: code, forecast }) => (
            <li key={code} data-pcode={code}>
              <CapacityForecast forecast={forecast} governorateName={nameOf(code)} thresholds={thresholds} variant="compact" />
            </li>
          ))}
        </ul>
      ) : anyAlert ? (
        // never "nothing fills" while an alert says a shelter is over its line: say which are
        <OverLine />
      ) : (
        <p className="cf-empty">{anyKnown ? t('listEmpty', { horizon: format.fixed.horizon }) : t('listUnknown')}</p>
      )}
      <p className="cf-list-assumptions">
        {t('listAssumptions', { time: format.setting(settings.smoothingHours), window: format.fixed.window })}
      </p>
    </section>
  );
}
