// "Heading here": the persons reported at checkpoints in other governorates as heading to this one,
// from where, when they are expected, against the room left in its shelters (docs/forecast.md).
import './HeadingHerePanel.css';
import { useTranslation } from 'react-i18next';
import { DEFAULT_CAPACITY_EXHAUSTION } from '../../../shared/forecast.ts';
import { ownEntry } from '../../../shared/bands.ts';
import { HOUR_MS } from '../../../shared/time.ts';
import { placeName, useFormat } from '../../components/format.ts';
import { useGovernorates } from '../../components/useDashboardFeed.ts';
import { useDashboard } from '../../store/store.ts';

/** The hours that hold this share of the persons expected, from the first: "mostly between". */
const MOSTLY = 0.8;

/** The first and last hour (offsets from now) between which MOSTLY of the expected persons arrive. */
function mostlyBetween(byHour: readonly number[]): { from: number; to: number } | null {
  const total = byHour.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const tail = (1 - MOSTLY) / 2;
  let seen = 0;
  let from = 0;
  let to = byHour.length;
  for (let k = 0; k < byHour.length; k++) {
    if (seen <= tail * total && seen + byHour[k]! > tail * total) from = k;
    seen += byHour[k]!;
    if (seen >= (1 - tail) * total) {
      to = k + 1;
      break;
    }
  }
  return { from, to };
}

export function HeadingHerePanel({ pcode }: { pcode: string }) {
  const { t } = useTranslation('onward');
  const { format, lang } = useFormat();
  const rollup = useDashboard((s) => s.governorateRollups[pcode]);
  const at = useDashboard((s) => s.at);
  const settings = useDashboard((s) => s.thresholds?.capacityExhaustion) ?? DEFAULT_CAPACITY_EXHAUSTION;
  const governorates = useGovernorates();
  const onward = rollup?.onward;
  if (!onward) return null;
  const nameOf = (code: string) => (governorates[code] ? placeName(governorates[code], lang) : code);
  const nowMs = at ? Date.parse(at) : 0;
  const window = mostlyBetween(onward.expectedByHour);
  const peak = Math.max(1, ...onward.expectedByHour);
  const share = ownEntry(settings.shelterSharePerGovernorate, pcode) ?? settings.shelterShare;
  const seeking = Math.round(onward.expected24h * share);
  const places = rollup.forecast?.remainingCapacity;

  return (
    <section className="heading-here" aria-labelledby="heading-here-title" data-testid="heading-here" data-expected={onward.expected24h}>
      <h2 id="heading-here-title">{t('title')}</h2>
      {onward.heading24h === 0 ? (
        <p className="hh-none">{t('none')}</p>
      ) : (
        <>
          <p className="hh-expected" data-testid="heading-here-expected">
            {t('expected', { count: format.number(onward.expected24h) })}
          </p>
          <p>{t('heading', { day: format.number(onward.heading24h), recent: format.number(onward.heading6h) })}</p>
          {window && nowMs ? (
            <p data-testid="heading-here-when">
              {t('when', { from: format.time(nowMs + window.from * HOUR_MS), to: format.time(nowMs + window.to * HOUR_MS) })}
            </p>
          ) : null}
          {places !== undefined && rollup.forecast?.sheltersReporting ? (
            <p className={seeking > places ? 'hh-room hh-over' : 'hh-room'} data-testid="heading-here-room">
              {t('room', { places: format.number(places), seeking: format.number(seeking) })}
              {seeking > places ? ` ${t('roomShort')}` : ''}
            </p>
          ) : null}
          <table className="hh-origins">
            <thead>
              <tr>
                <th scope="col">{t('from')}</th>
                <th scope="col">{t('expectedColumn')}</th>
                <th scope="col">{t('travel')}</th>
              </tr>
            </thead>
            <tbody>
              {onward.byOrigin.map((o) => (
                <tr key={o.origin} data-testid={`heading-from-${o.origin}`}>
                  <th scope="row">{nameOf(o.origin)}</th>
                  <td>{format.number(o.expected24h)}</td>
                  <td>{t('travelValue', { hours: format.number(o.travelHours) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="hh-hours" role="img" aria-label={t('byHour')}>
            {onward.expectedByHour.map((n, k) => (
              <span key={k} style={{ blockSize: `${Math.round((n / peak) * 100)}%` }} title={`${format.time(nowMs + k * HOUR_MS)}: ${format.number(n)}`} />
            ))}
          </div>
          <p className="hh-caveat">{t('caveat')}</p>
        </>
      )}
    </section>
  );
}
