// The governorates ranked by pressure, each with its numbers and a bar against its influx line.
import { useMemo } from 'react';
import { influxThreshold, rankByPressure } from '../store/derive.ts';
import { useDashboard } from '../store/store.ts';
import { placeName, useFormat } from './format.ts';
import { useGovernorates } from './useDashboardFeed.ts';

interface Props {
  limit?: number;
  /** links to each governorate's page (not on the wall) */
  linked?: boolean;
}

export function PressureRanking({ limit, linked = true }: Props) {
  const { t, format, lang } = useFormat();
  const rollups = useDashboard((s) => s.governorateRollups);
  const thresholds = useDashboard((s) => s.thresholds);
  const governorates = useGovernorates();
  const ranked = useMemo(() => {
    const all = rankByPressure(Object.values(rollups), thresholds);
    return limit ? all.slice(0, limit) : all;
  }, [rollups, thresholds, limit]);
  return (
    <section className="ranking" aria-labelledby="ranking-heading">
      <h2 id="ranking-heading">{t('ranking')}</h2>
      <table data-testid="ranking">
        <thead>
          <tr>
            <th scope="col">{t('governorate')}</th>
            <th scope="col">{t('arrivals24h')}</th>
            <th scope="col">{t('shelterOccupancy')}</th>
            <th scope="col">{t('activeAlerts')}</th>
          </tr>
        </thead>
        <tbody>
          {ranked.map((r) => {
            const g = governorates[r.pcode];
            const name = g ? placeName(g, lang) : r.pcode;
            const line = influxThreshold(r.pcode, thresholds);
            const share = line ? Math.min(1, r.arrivals24h / line) : 0;
            return (
              <tr key={r.pcode} data-pcode={r.pcode}>
                <th scope="row">{linked ? <a href={`/g/${r.pcode}${window.location.search}`}>{name}</a> : name}</th>
                <td>
                  <span className="bar" style={{ inlineSize: `${Math.round(share * 100)}%` }} aria-hidden="true" />
                  <span className="num">{format.number(r.arrivals24h)}</span>
                </td>
                <td className={r.occupancyRatio === null ? 'no-data' : 'num'}>
                  {r.shelters === 0 ? <span title={t('noShelters')}>—</span> : r.occupancyRatio === null ? t('noValue') : format.fullness(r.occupancyRatio)}
                </td>
                <td className={`num${r.activeAlerts > 0 ? ' value-alert' : ''}`}>{format.number(r.activeAlerts)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
