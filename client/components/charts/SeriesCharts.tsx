// Recharts charts of one governorate's hourly series. In Arabic and Kurdish time runs right to left:
// the x axis is reversed and the value axis sits on the right.
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '../../../shared/schemas.ts';
import { directionOf } from '../../lib/session.ts';
import { useFormat } from '../format.ts';

interface Props {
  day: readonly SeriesPoint[];
  week: readonly SeriesPoint[];
}

export function SeriesCharts({ day, week }: Props) {
  const { t, format, lang } = useFormat();
  const rtl = directionOf(lang) === 'rtl';
  const yAxis = (
    <YAxis
      orientation={rtl ? 'right' : 'left'}
      tickFormatter={(v: number) => format.number(v)}
      width={64}
      allowDecimals={false}
      tick={{ fontSize: 12 }}
    />
  );
  const tooltip = (label: (iso: string) => string) => (
    <Tooltip labelFormatter={(iso) => label(String(iso))} formatter={(value) => format.number(Number(value))} />
  );
  return (
    <div className="charts">
      <figure data-testid="chart-day">
        <figcaption>{t('chartArrivals24')}</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={[...day]} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="hour" reversed={rtl} tickFormatter={(iso: string) => format.hourLabel(iso)} minTickGap={24} tick={{ fontSize: 12 }} />
            {yAxis}
            {tooltip(format.dateTime)}
            <Bar dataKey="arrivals" name={t('arrivals')} fill="#e34a33" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure data-testid="chart-week">
        <figcaption>{t('chartArrivals7d')}</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <AreaChart data={[...week]} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="hour" reversed={rtl} tickFormatter={(iso: string) => format.dayHourLabel(iso)} minTickGap={40} tick={{ fontSize: 12 }} />
            {yAxis}
            {tooltip(format.dateTime)}
            <Area dataKey="arrivals" name={t('arrivals')} stroke="#b30000" fill="#fc8d59" isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </figure>
      <figure data-testid="chart-occupancy">
        <figcaption>{t('chartOccupancy')}</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <ComposedChart data={[...week]} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="hour" reversed={rtl} tickFormatter={(iso: string) => format.dayHourLabel(iso)} minTickGap={40} tick={{ fontSize: 12 }} />
            {yAxis}
            {tooltip(format.dateTime)}
            <Legend />
            <Area dataKey="occupancy" name={t('occupancy')} stroke="#2c7fb8" fill="#74a9cf" isAnimationActive={false} />
            <Line dataKey="capacity" name={t('capacity')} stroke="#1f2a33" strokeDasharray="6 4" dot={false} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
