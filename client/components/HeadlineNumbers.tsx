// The national (or one governorate's) headline numbers, each with the age of the reports behind it.
import { useMemo } from 'react';
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
}

export function HeadlineNumbers({ rollup, activeAlerts, acknowledgedAlerts, nowMs, governorate }: Props) {
  const { t, format } = useFormat();
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
        <output className="value">{r && r.capacity > 0 ? format.percent(r.occupancy / r.capacity) : '—'}</output>
        <span className="detail">
          {r ? `${format.number(r.occupancy)} ${t('ofCapacity', { capacity: format.number(r.capacity) })}` : ''}
        </span>
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
      <div className="figure" data-testid="active-alerts">
        <h2>{t('activeAlerts')}</h2>
        <output className={`value${activeAlerts > 0 ? ' value-alert' : ''}`}>{format.number(activeAlerts)}</output>
        <span className="detail">{acknowledgedAlerts > 0 ? t('acknowledgedCount', { count: format.number(acknowledgedAlerts) }) : ''}</span>
        {age(ages.any)}
      </div>
    </section>
  );
}
