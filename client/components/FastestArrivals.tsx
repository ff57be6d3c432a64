// The checkpoints where people arrive fastest, last hour, with the change against the hour before
// (shared/fastestArrivals.ts): beside the map on the overview and the wall.
import './FastestArrivals.css';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { fastestArrivals } from '../../shared/fastestArrivals.ts';
import { useDashboard } from '../store/store.ts';
import { placeName, useFormat } from './format.ts';
import { useGovernorates } from './useDashboardFeed.ts';

interface Props {
  /** only this governorate's checkpoints */
  governorate?: string;
  /** at most this many, then "+ N more" (the wall shows what fits); otherwise the first ten */
  max?: number;
}

const DEFAULT_SHOWN = 10;

export function FastestArrivals({ governorate, max = DEFAULT_SHOWN }: Props) {
  const { format, lang } = useFormat();
  const { t } = useTranslation('screens');
  const sites = useDashboard((s) => s.sites);
  const states = useDashboard((s) => s.siteStates);
  const governorates = useGovernorates();
  const rows = useMemo(() => fastestArrivals(sites, states, { governorate }), [sites, states, governorate]);
  const shown = rows.slice(0, Math.max(0, max));
  const hidden = rows.length - shown.length;
  return (
    <section className="fastest" aria-labelledby="fastest-heading" data-testid="fastest-arrivals">
      <h2 id="fastest-heading">{t('fastestTitle')}</h2>
      {rows.length === 0 ? (
        <p className="empty">{t('fastestNone')}</p>
      ) : (
        <ol className="fastest-list">
          {shown.map(({ site, lastHour, previousHour, change }) => {
            const trend = previousHour === 0 ? 'first' : change > 0 ? 'up' : change < 0 ? 'down' : 'same';
            const words =
              trend === 'first'
                ? t('fastestFirst')
                : trend === 'same'
                  ? t('fastestSame')
                  : t(trend === 'up' ? 'fastestUp' : 'fastestDown', { value: format.number(Math.abs(change)) });
            const where = governorates[site.governorate];
            return (
              <li key={site.id} className={`fastest-row trend-${trend}`} data-site-id={site.id}>
                <span className="fastest-name">
                  {placeName(site, lang)}
                  {governorate || !where ? null : <span className="fastest-governorate"> · {placeName(where, lang)}</span>}
                </span>
                <span className="fastest-count num" data-testid="fastest-count">
                  {format.number(lastHour)}
                </span>
                {/* the arrow and the words, not colour alone, say which way it moves */}
                <span className="fastest-change">
                  <span aria-hidden="true">{trend === 'up' ? '▲ ' : trend === 'down' ? '▼ ' : ''}</span>
                  {words}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      {hidden > 0 ? (
        <p className="more" data-testid="fastest-more">
          {t('fastestMore', { count: format.number(hidden) })}
        </p>
      ) : null}
    </section>
  );
}
