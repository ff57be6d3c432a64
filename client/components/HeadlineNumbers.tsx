// The national (or one governorate's) headline numbers, each with the age of the reports behind it.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Rollup } from '../../shared/schemas.ts';
import { latestReportAt } from '../store/derive.ts';
import { useDashboard } from '../store/store.ts';
import { useFormat } from './format.ts';

interface Props {
  rollup: Rollup | null;
  activeAlerts: number;
  acknowledgedAlerts: number;
  nowMs: number;
  /** limit the ages to one governorate's sites */
  governorate?: string;
  /**
   * open alerts by severity: the alerts figure then counts them so (the wall's national strip), each
   * with its word and shape as well as its colour
   */
  severityCounts?: { critical: number; warning: number };
}

export function HeadlineNumbers({ rollup, activeAlerts, acknowledgedAlerts, nowMs, governorate, severityCounts }: Props) {
  const { t, format } = useFormat();
  const { t: tAlerts } = useTranslation('alerts');
  const sites = useDashboard((s) => s.sites);
  const siteStates = useDashboard((s) => s.siteStates);
  const ages = useMemo(() => {
    const list = Object.values(sites);
    return {
      checkpoint: latestReportAt(list, siteStates, { kind: 'checkpoint', governorate }),
      shelter: latestReportAt(list, siteStates, { kind: 'shelter', governorate }),
      health_post: latestReportAt(list, siteStates, { kind: 'health_post', governorate }),
      any: latestReportAt(list, siteStates, { governorate }),
    };
  }, [sites, siteStates, governorate]);
  const age = (iso: string | null) => (
    <span className="age">{iso ? t('updated', { age: format.age(iso, nowMs) }) : t('noReports')}</span>
  );
  const r = rollup;
  return (
    <section className="headline" aria-label={t('overview')}>
      <div className="figure" data-testid="arrivals1h">
        <h2>{t('arrivals1h')}</h2>
        <output className="value">{r ? format.number(r.arrivals1h) : '—'}</output>
        {age(ages.checkpoint)}
      </div>
      <div className="figure" data-testid="arrivals24h">
        <h2>{t('arrivals24h')}</h2>
        <output className="value">{r ? format.number(r.arrivals24h) : '—'}</output>
        {age(ages.checkpoint)}
      </div>
      <div className="figure" data-testid="occupancy">
        <h2>{t('shelterOccupancy')}</h2>
        <OccupancyFigure rollup={r} />
        {age(ages.shelter)}
      </div>
      <div className="figure" data-testid="health-posts">
        <h2>{t('healthPosts')}</h2>
        <ul className="health-counts">
          {(['operational', 'limited', 'closed', 'unknown'] as const).map((status) => (
            <li key={status} className={`health-${status}`}>
              <output>{r ? format.number(r.healthPosts[status]) : '—'}</output> {t(status)}
            </li>
          ))}
        </ul>
        {age(ages.health_post)}
      </div>
      {severityCounts ? (
        <div className="figure" data-testid="open-alerts">
          <h2>{t('metric_openAlerts')}</h2>
          <ul className="severity-counts">
            {(['critical', 'warning'] as const).map((severity) => (
              <li key={severity} className={`severity-count severity-${severity}`} data-testid={`open-${severity}`}>
                <span className={`severity-shape shape-${severity}`} aria-hidden="true" />
                <output className="value">{format.number(severityCounts[severity])}</output>
                <span className="severity-word">{tAlerts(`severity_${severity}`)}</span>
              </li>
            ))}
          </ul>
          {age(ages.any)}
        </div>
      ) : (
        <div className="figure" data-testid="active-alerts">
          <h2>{t('activeAlerts')}</h2>
          <output className={`value${activeAlerts > 0 ? ' value-alert' : ''}`}>{format.number(activeAlerts)}</output>
          <span className="detail">{acknowledgedAlerts > 0 ? t('acknowledgedCount', { count: format.number(acknowledgedAlerts) }) : ''}</span>
          {age(ages.any)}
        </div>
      )}
    </section>
  );
}

/**
 * Occupancy counts only shelters with a current report: the share is theirs, "no data" when none has
 * one (never 0 %), and the coverage beneath says how much of the picture that is.
 */
function OccupancyFigure({ rollup: r }: { rollup: Rollup | null }) {
  const { t, format } = useFormat();
  if (!r) return <output className="value">—</output>;
  const known = r.occupancyRatio !== null;
  return (
    <>
      <output className={`value${known ? '' : ' value-none'}`}>{known ? format.fullness(r.occupancyRatio!) : t('noValue')}</output>
      {known ? <span className="detail">{`${format.number(r.occupancy)} ${t('ofCapacity', { capacity: format.number(r.capacity) })}`}</span> : null}
      {/* each part on one line, so a number never wraps away from its words */}
      <span className="detail coverage" data-testid="occupancy-coverage">
        <span className="nowrap">
          {r.shelters === 0
            ? t('noShelters')
            : t('sheltersReporting', { reporting: format.number(r.sheltersReporting), shelters: format.number(r.shelters) })}
        </span>
        {r.capacityUnknown > 0 ? (
          <>
            {' · '}
            <span className="nowrap" data-testid="places-not-reporting">
              {t('placesNotReporting', { places: format.number(r.capacityUnknown) })}
            </span>
          </>
        ) : null}
      </span>
    </>
  );
}
