// The governorate's sites in a table the analyst can sort, with the age of each one's last report.
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import type { Site, SiteState } from '../../../shared/schemas.ts';
import { placeName, useFormat, type Format } from '../../components/format.ts';
import { alertsBySite, siteCondition, type SiteCondition } from '../../store/derive.ts';
import { useDashboard } from '../../store/store.ts';

type Column = 'name' | 'kind' | 'lastReport' | 'latest' | 'condition';
const COLUMNS: readonly Column[] = ['name', 'kind', 'lastReport', 'latest', 'condition'];
const CONDITION_ORDER: Record<SiteCondition, number> = { critical: 0, warning: 1, silent: 2, unknown: 3, ok: 4 };

interface Row {
  site: Site;
  state: SiteState | undefined;
  name: string;
  condition: SiteCondition;
  /** the number the "latest" column sorts by: arrivals in the hour, occupancy share, or health status */
  latest: number;
  lastReportMs: number;
}

function latestText(row: Row, t: TFunction<'dashboard'>, format: Format): string {
  const { site, state } = row;
  if (!state || state.lastReportAt === null) return '—';
  if (site.kind === 'checkpoint') return t('perHour', { value: format.number(state.arrivals1h ?? 0) });
  if (site.kind === 'shelter') {
    if (state.occupancy === undefined) return '—';
    const share = site.capacity ? ` (${format.fullness(state.occupancy / site.capacity)})` : '';
    return `${t('persons', { value: format.number(state.occupancy) })}${share}`;
  }
  return state.status ? t(state.status) : '—';
}

export function SiteTable({ pcode, nowMs }: { pcode: string; nowMs: number }) {
  const { t, format, lang } = useFormat();
  const sites = useDashboard((s) => s.sites);
  const siteStates = useDashboard((s) => s.siteStates);
  const alerts = useDashboard((s) => s.alerts);
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({ column: 'condition', descending: false });

  const rows = useMemo(() => {
    const collator = new Intl.Collator(format.locale);
    const bySite = alertsBySite(Object.values(alerts));
    const list: Row[] = Object.values(sites)
      .filter((site) => site.governorate === pcode)
      .map((site) => {
        const state = siteStates[site.id];
        const latest =
          site.kind === 'checkpoint'
            ? (state?.arrivals1h ?? -1)
            : site.kind === 'shelter'
              ? state?.occupancy !== undefined && site.capacity
                ? state.occupancy / site.capacity
                : -1
              : state?.status === 'closed'
                ? 2
                : state?.status === 'limited'
                  ? 1
                  : state?.status === 'operational'
                    ? 0
                    : -1;
        return {
          site,
          state,
          name: placeName(site, lang),
          condition: siteCondition(state, bySite.get(site.id)),
          latest,
          lastReportMs: state?.lastReportAt ? Date.parse(state.lastReportAt) : -Infinity,
        };
      });
    const compare: Record<Column, (a: Row, b: Row) => number> = {
      name: (a, b) => collator.compare(a.name, b.name),
      kind: (a, b) => a.site.kind.localeCompare(b.site.kind),
      lastReport: (a, b) => b.lastReportMs - a.lastReportMs,
      latest: (a, b) => b.latest - a.latest,
      condition: (a, b) => CONDITION_ORDER[a.condition] - CONDITION_ORDER[b.condition],
    };
    const by = compare[sort.column];
    return list.sort((a, b) => (sort.descending ? -1 : 1) * by(a, b) || collator.compare(a.name, b.name));
  }, [sites, siteStates, alerts, pcode, lang, format.locale, sort]);

  const header: Record<Column, string> = {
    name: t('site'),
    kind: t('kind'),
    lastReport: t('lastReport'),
    latest: t('latestValue'),
    condition: t('condition'),
  };

  return (
    <section className="site-table" aria-labelledby="sites-heading">
      <h2 id="sites-heading">{t('sites')}</h2>
      <table data-testid="site-table">
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th
                key={column}
                scope="col"
                aria-sort={sort.column === column ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              >
                <button
                  type="button"
                  title={t('sortBy', { column: header[column] })}
                  onClick={() => setSort((s) => ({ column, descending: s.column === column ? !s.descending : false }))}
                >
                  {header[column]}
                  <span aria-hidden="true">{sort.column === column ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.site.id} data-site-id={row.site.id}>
              <th scope="row">
                {row.name}
                {row.site.lon === null ? <small className="hint"> · {t('notOnMap')}</small> : null}
              </th>
              <td>{t(`kind_${row.site.kind}`)}</td>
              <td>
                {row.state?.lastReportAt ? (
                  <time dateTime={row.state.lastReportAt} title={format.dateTime(row.state.lastReportAt)}>
                    {format.age(row.state.lastReportAt, nowMs)}
                  </time>
                ) : (
                  t('noReports')
                )}
              </td>
              <td data-testid="site-latest">{latestText(row, t, format)}</td>
              <td>
                <span className={`condition condition-${row.condition}`}>{t(`condition_${row.condition}`)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
