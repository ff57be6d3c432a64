// Recharts charts of one governorate over the range picked on the page: arrivals against the
// governorate's influx line (and departures where reported), arrivals by checkpoint, occupancy against
// capacity, and each shelter against its own capacity. Axis titles say the unit and the time zone;
// ticks and tooltips are in the reader's language and digits. In Arabic and Kurdish time runs right to
// left and the value axis sits on the right, sized to its widest label so that none is clipped.
import './charts.css';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Format } from '../../../shared/format.ts';
import { directionOf } from '../../lib/session.ts';
import { placeName, useFormat } from '../format.ts';
import { checkpointKey, OTHER_KEY, type ChartData, type ResolvedRange } from './seriesData.ts';

interface Props {
  data: ChartData;
  range: ResolvedRange;
  /** the governorate's influx line (arrivals in 24 h), or null before the thresholds are known */
  influxLine: number | null;
}

const DAY_MS = 24 * 3_600_000;
const CHECKPOINT_COLOURS = ['#b30000', '#e34a33', '#fc8d59', '#8c2d04', '#fdae6b'];
const OTHER_COLOUR = '#969696';
const TICK_FONT_PX = 12;

let measuringContext: CanvasRenderingContext2D | null | undefined;
/** The drawn width of a tick label, in the page's own font, so that the axis is made wide enough for it. */
function textWidth(text: string): number {
  measuringContext ??= document.createElement('canvas').getContext('2d');
  if (!measuringContext) return text.length * TICK_FONT_PX * 0.7;
  measuringContext.font = `${TICK_FONT_PX}px ${getComputedStyle(document.body).fontFamily}`;
  return measuringContext.measureText(text).width;
}

/** The largest label a value axis up to `max` can show: Recharts rounds its top tick up to a nice number. */
function axisWidth(max: number, format: Format): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, max)));
  const top = Math.ceil((max * 1.25) / magnitude) * magnitude;
  // the tick mark (6), the gap between mark and label (4), and room either side
  return Math.ceil(Math.max(textWidth(format.number(top)), textWidth(format.number(max))) + 24);
}

function tickFormatter(range: ResolvedRange, format: Format): (iso: string) => string {
  const span = range.toMs - range.fromMs;
  if (span <= DAY_MS) return (iso) => format.hourLabel(iso);
  if (span <= 8 * DAY_MS) return (iso) => format.dayHourLabel(iso);
  return (iso) => format.dayLabel(iso);
}

/** A chart with its titles outside the SVG, as HTML, so that the browser lays out Arabic and Kurdish words. */
function ChartFigure({ testId, title, yTitle, xTitle, children, table }: { testId: string; title: string; yTitle: string; xTitle: string; children: ReactNode; table?: ReactNode }) {
  return (
    <figure data-testid={testId} className="series-chart">
      <figcaption>{title}</figcaption>
      <div className="axis-title axis-title-y" data-testid="axis-title-y">
        {yTitle}
      </div>
      {children}
      <div className="axis-title axis-title-x" data-testid="axis-title-x">
        {xTitle}
      </div>
      {table}
    </figure>
  );
}

export function SeriesCharts({ data, range, influxLine }: Props) {
  const { format, lang } = useFormat();
  const { t } = useTranslation('analyst');
  const rtl = directionOf(lang) === 'rtl';
  const bucket = t(`bucket_${range.bucket}`);
  const xTitle = t('axisTime', { zone: format.zone(range.toMs) });
  const tick = tickFormatter(range, format);
  const rows = data.rows;
  const perBucketLine = influxLine === null ? null : (influxLine * range.bucketMs) / DAY_MS;

  const widths = useMemo(() => {
    const max = (values: number[]) => values.reduce((m, v) => Math.max(m, v), 0);
    return {
      arrivals: axisWidth(max([...rows.map((r) => Math.max(r.arrivals, r.departures)), perBucketLine ?? 0]), format),
      occupancy: axisWidth(max(rows.map((r) => Math.max(r.occupancy, r.capacity))), format),
      shelters: axisWidth(max(data.shelters.flatMap((s) => [s.capacity ?? 0, ...s.points.map((p) => p.occupancy ?? 0)])), format),
    };
  }, [rows, data.shelters, perBucketLine, format]);

  const xAxis = <XAxis dataKey="t" reversed={rtl} tickFormatter={tick} minTickGap={32} tick={{ fontSize: TICK_FONT_PX }} />;
  const yAxis = (width: number) => (
    <YAxis orientation={rtl ? 'right' : 'left'} tickFormatter={(v: number) => format.number(v)} width={width} allowDecimals={false} tick={{ fontSize: TICK_FONT_PX }} />
  );
  const tooltip = <Tooltip labelFormatter={(iso) => format.dateTime(String(iso))} formatter={(value) => format.number(Number(value))} />;
  const margin = { top: 12, right: 12, bottom: 0, left: 12 };
  const checkpointName = (id: string) => {
    const site = data.named.find((s) => s.id === id);
    return site ? placeName(site, lang) : id;
  };

  const checkpointTable = (
    <details className="chart-table">
      <summary>{t('showTable')}</summary>
      <table data-testid="checkpoint-table">
        <thead>
          <tr>
            <th>{t('columnTime')}</th>
            {data.named.map((s) => (
              <th key={s.id} data-key={checkpointKey(s.id)}>
                {checkpointName(s.id)}
              </th>
            ))}
            {data.others.length ? <th data-key={OTHER_KEY}>{t('otherCheckpoints', { count: data.others.length })}</th> : null}
            <th data-key="total">{t('columnTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.t} data-t={row.t}>
              <td>{format.dateTime(row.t)}</td>
              {data.named.map((s) => (
                <td key={s.id} data-key={checkpointKey(s.id)} data-value={row[checkpointKey(s.id)]}>
                  {format.number(Number(row[checkpointKey(s.id)]))}
                </td>
              ))}
              {data.others.length ? (
                <td data-key={OTHER_KEY} data-value={row[OTHER_KEY]}>
                  {format.number(Number(row[OTHER_KEY]))}
                </td>
              ) : null}
              <td data-key="total" data-value={row.arrivals}>
                {format.number(row.arrivals)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );

  return (
    <div className="charts series-charts" data-testid="series-charts" data-from={new Date(range.fromMs).toISOString()} data-to={new Date(range.toMs).toISOString()} data-bucket={range.bucket} data-points={rows.length}>
      <ChartFigure testId="chart-arrivals" title={t('chartArrivals', { bucket })} yTitle={t('axisPersonsPer', { bucket })} xTitle={xTitle}>
        <ResponsiveContainer width="100%" height={240}>
          <ComposedChart data={rows} margin={margin}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {xAxis}
            {yAxis(widths.arrivals)}
            {tooltip}
            <Legend />
            <Bar dataKey="arrivals" name={t('arrivals')} fill="#e34a33" isAnimationActive={false} />
            {data.departuresReported ? (
              <Line dataKey="departures" name={t('departures')} stroke="#3f007d" dot={false} strokeWidth={2} isAnimationActive={false} />
            ) : null}
            {perBucketLine !== null && influxLine !== null ? (
              <ReferenceLine
                y={perBucketLine}
                ifOverflow="extendDomain"
                stroke="#7a0000"
                strokeDasharray="6 3"
                strokeWidth={2}
                className="influx-line"
                data-value={perBucketLine}
                label={{
                  value: t('influxLine', { perBucket: format.number(Math.round(perBucketLine)), bucket, line: format.number(influxLine) }),
                  position: 'insideTop',
                  fontSize: TICK_FONT_PX,
                  fill: '#7a0000',
                }}
              />
            ) : null}
          </ComposedChart>
        </ResponsiveContainer>
      </ChartFigure>

      <ChartFigure testId="chart-checkpoints" title={t('chartByCheckpoint', { bucket })} yTitle={t('axisPersonsPer', { bucket })} xTitle={xTitle} table={checkpointTable}>
        {data.named.length ? (
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={rows} margin={margin}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              {xAxis}
              {yAxis(widths.arrivals)}
              {tooltip}
              <Legend />
              {data.named.map((s, i) => (
                <Bar key={s.id} dataKey={checkpointKey(s.id)} stackId="checkpoints" name={checkpointName(s.id)} fill={CHECKPOINT_COLOURS[i % CHECKPOINT_COLOURS.length]} isAnimationActive={false} />
              ))}
              {data.others.length ? (
                <Bar dataKey={OTHER_KEY} stackId="checkpoints" name={t('otherCheckpoints', { count: data.others.length })} fill={OTHER_COLOUR} isAnimationActive={false} />
              ) : null}
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <p className="chart-empty">{t('noCheckpointData')}</p>
        )}
      </ChartFigure>

      <ChartFigure testId="chart-occupancy" title={t('chartOccupancy')} yTitle={t('axisPersons')} xTitle={xTitle}>
        <ResponsiveContainer width="100%" height={240}>
          <ComposedChart data={rows} margin={margin}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {xAxis}
            {yAxis(widths.occupancy)}
            {tooltip}
            <Legend />
            <Area dataKey="occupancy" name={t('occupancy')} stroke="#2c7fb8" fill="#74a9cf" isAnimationActive={false} />
            <Line dataKey="capacity" name={t('capacity')} stroke="#1f2a33" strokeDasharray="6 4" dot={false} isAnimationActive={false} className="capacity-line" />
          </ComposedChart>
        </ResponsiveContainer>
      </ChartFigure>

      {data.shelters.length ? (
        <ChartFigure testId="chart-shelters" title={t('chartShelters')} yTitle={t('axisPersons')} xTitle={xTitle}>
          <div className="small-multiples">
            {data.shelters.map((shelter) => (
              <div key={shelter.site.id} className="small-multiple" data-testid="shelter-chart" data-site={shelter.site.id}>
                <h4>{placeName(shelter.site, lang)}</h4>
                {shelter.points.some((p) => p.occupancy !== null) ? (
                  <ResponsiveContainer width="100%" height={140}>
                    <LineChart data={shelter.points} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      {xAxis}
                      {yAxis(widths.shelters)}
                      {tooltip}
                      <Line dataKey="occupancy" name={t('occupancy')} stroke="#2c7fb8" dot={false} strokeWidth={2} connectNulls={false} isAnimationActive={false} />
                      {shelter.capacity ? (
                        <ReferenceLine y={shelter.capacity} ifOverflow="extendDomain" stroke="#1f2a33" strokeDasharray="6 4" className="capacity-line" label={{ value: t('capacity'), position: 'insideTop', fontSize: 11 }} />
                      ) : null}
                    </LineChart>
                  </ResponsiveContainer>
                ) : (
                  <p className="chart-empty">{t('noShelterData')}</p>
                )}
              </div>
            ))}
          </div>
        </ChartFigure>
      ) : null}
    </div>
  );
}
