// The time range of every chart on the drill-down: 6 h, 24 h, 7 days, 30 days, or a custom from–to,
// kept in the address (`?range=7d`, `?from=…&to=…`) so that a link opens the same charts.
import './rangePicker.css';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RANGE_PRESETS, type RangeChoice, type RangePreset, type RangeProblem, type ResolvedRange } from '../../components/charts/seriesData.ts';
import { useFormat } from '../../components/format.ts';

interface Props {
  choice: RangeChoice;
  /** the range the charts show, once they show one */
  shown: ResolvedRange | null;
  /** what is wrong with the custom range asked for */
  problem: RangeProblem | null;
  onChoose(choice: RangeChoice): void;
}

/** An instant as a datetime-local input shows it: the reader's clock, to the minute. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function RangePicker({ choice, shown, problem, onChoose }: Props) {
  const { t } = useTranslation('analyst');
  const { format } = useFormat();
  const custom = !('preset' in choice);
  const [from, setFrom] = useState(() => localInput(shown?.fromMs ?? Date.now() - 2 * 86_400_000));
  const [to, setTo] = useState(() => localInput(shown?.toMs ?? Date.now()));
  const [open, setOpen] = useState(custom);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    // a datetime-local value is the reader's own clock: Date parses it so
    onChoose({ fromMs: new Date(from).getTime(), toMs: new Date(to).getTime() });
  };
  return (
    <div className="range-picker" role="group" aria-label={t('rangeLabel')} data-testid="range-picker">
      <strong>{t('rangeLabel')}</strong>
      {(Object.keys(RANGE_PRESETS) as RangePreset[]).map((preset) => (
        <button
          key={preset}
          type="button"
          data-range={preset}
          aria-pressed={'preset' in choice && choice.preset === preset}
          onClick={() => {
            setOpen(false);
            onChoose({ preset });
          }}
        >
          {t(`range_${preset}`)}
        </button>
      ))}
      <button type="button" data-range="custom" aria-pressed={custom} aria-expanded={open || custom} onClick={() => setOpen((o) => !o)}>
        {t('range_custom')}
      </button>
      {open || custom ? (
        <form className="range-custom" onSubmit={apply}>
          <label>
            {t('rangeFrom')} <input type="datetime-local" name="from" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </label>
          <label>
            {t('rangeTo')} <input type="datetime-local" name="to" value={to} onChange={(e) => setTo(e.target.value)} required />
          </label>
          <button type="submit">{t('rangeApply')}</button>
        </form>
      ) : null}
      {shown ? (
        <span className="range-shown" data-testid="range-shown">
          {t('rangeShown', { from: format.dateTime(shown.fromMs), to: format.dateTime(shown.toMs), bucket: t(`bucket_${shown.bucket}`) })}
        </span>
      ) : null}
      {problem ? (
        <p className="error" role="alert" data-testid="range-problem">
          {t(`rangeProblem_${problem}`)}
        </p>
      ) : null}
    </div>
  );
}
