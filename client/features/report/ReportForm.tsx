// The short form of one site's kind; a report is stamped and saved on the device when the lead presses send.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { v4 as uuidv4 } from 'uuid';
import { HealthStatus, type Report, type Site } from '../../../shared/schemas.ts';
import { GOVERNORATE_POINTS, governoratesByDistance } from '../../../shared/governoratePoints.ts';
import { currentLanguage, placeName, type Format } from '../../components/format.ts';
import { buildReport, EMPTY_FORM, NOTE_MAX, PERIODS, placedPersons, readCount, type FieldErrors, type FormValues } from './formValues.ts';
import { checkReport, type Warning } from './guardRails.ts';
import type { QueueItem } from './queue.ts';
import type { Sender } from './sender.ts';
import { periodText } from './summary.ts';

interface Props {
  site: Site;
  sender: Sender;
  history: readonly QueueItem[];
  /** the site's recent reports as the server knows them, when it answered */
  serverReports: readonly Report[];
  format: Format;
}

/** Governorates shown at once in the destinations step; the others are one tap away. */
const NEAREST_SHOWN = 5;

export function ReportForm({ site, sender, history, serverReports, format }: Props) {
  const { t, i18n } = useTranslation('report');
  const lang = currentLanguage(i18n.language);
  const [values, setValues] = useState<FormValues>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState<{ report: Report; warnings: Warning[] } | undefined>();
  const [step, setStep] = useState<'count' | 'destinations'>('count');
  const [saved, setSaved] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  // The question is read where it appears, even when the lead had scrolled. (Braces: newer browsers
  // return a promise from scrollIntoView, which React would take for a cleanup.)
  useEffect(() => {
    confirmRef.current?.scrollIntoView({ block: 'nearest' });
  }, [pending]);
  // The server refusing the last report's destinations (422) is shown by the field, not only in the list.
  const lastItem = saved ? history.find((i) => i.report.id === saved) : undefined;
  const refusedDestinations = lastItem?.state === 'needs_attention' && /destinations/.test(lastItem.lastError ?? '') ? lastItem.lastError : undefined;

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined, ...(key === 'arrivals' ? { destinations: undefined } : {}) }));
    setSaved(undefined);
  };
  const setDestination = (pcode: string, text: string) => set('destinations', new Map(values.destinations).set(pcode, text));

  const save = async (report: Report) => {
    setSaving(true);
    try {
      await sender.enqueue(report);
      setValues({ ...EMPTY_FORM, periodMinutes: values.periodMinutes });
      setPending(undefined);
      setStep('count');
      setSaved(report.id);
    } catch (err) {
      setErrors({ form: err instanceof Error ? err.message : String(err) });
    } finally {
      setSaving(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    // The id and the observed instant are fixed at this press; a confirmation later keeps them.
    const built = buildReport(site, values, uuidv4(), Date.now());
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    const warnings = checkReport(built.report, site, history, serverReports);
    if (warnings.length) setPending({ report: built.report, warnings });
    else void save(built.report);
  };

  /** To the second step once the count itself is right: the destinations share out that count. */
  const openDestinations = () => {
    const arrivals = readCount(values.arrivals);
    if (typeof arrivals !== 'number') {
      setErrors((e) => ({ ...e, arrivals: 'wholeNumber' }));
      return;
    }
    setStep('destinations');
  };

  const destinationsError = (error: string) => {
    if (error !== 'destTooMany') return t('wholeNumber');
    return t('destTooMany', { heading: format.number(placedPersons(values.destinations)), arrivals: values.arrivals.trim() ? format.number(Number(readCount(values.arrivals)) || 0) : '0' });
  };

  const numberField = (key: 'arrivals' | 'departures' | 'households' | 'occupancy', label: string) => (
    <label className="report-field">
      <span>{label}</span>
      <input
        name={key}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        enterKeyHint="done"
        value={values[key]}
        onChange={(e) => set(key, e.target.value)}
        aria-invalid={errors[key] ? true : undefined}
        disabled={pending !== undefined}
      />
      {errors[key] && <span className="report-error">{t(errors[key])}</span>}
    </label>
  );

  return (
    <form className="report-form" onSubmit={onSubmit} noValidate data-testid="report-form">
      {site.kind === 'checkpoint' && step === 'count' && (
        <>
          {numberField('arrivals', t('arrivals'))}
          <fieldset className="report-choices report-periods">
            <legend>{t('period')}</legend>
            {PERIODS.map((minutes) => (
              <label key={minutes} className="report-choice">
                <input
                  type="radio"
                  name="periodMinutes"
                  value={minutes}
                  checked={values.periodMinutes === minutes}
                  onChange={() => set('periodMinutes', minutes)}
                  disabled={pending !== undefined}
                />
                <span>{periodText(minutes, t)}</span>
              </label>
            ))}
          </fieldset>
          <div className="report-pair">
            {numberField('departures', t('departures'))}
            {numberField('households', t('households'))}
          </div>
          <button
            type="button"
            className="report-button report-button-secondary"
            onClick={openDestinations}
            disabled={pending !== undefined}
            data-testid="destinations-open"
          >
            {t('destOpen')}
            {placedPersons(values.destinations) > 0 ? ` · ${t('destSummary', { count: placedPersons(values.destinations) })}` : ''}
          </button>
          {errors.destinations && <span className="report-error">{destinationsError(errors.destinations)}</span>}
          {refusedDestinations && (
            <p className="report-error" lang="en" dir="auto" data-testid="destinations-refused">
              {refusedDestinations}
            </p>
          )}
        </>
      )}
      {site.kind === 'checkpoint' && step === 'destinations' && (
        <DestinationsStep
          site={site}
          values={values}
          onChange={setDestination}
          onBack={() => setStep('count')}
          disabled={pending !== undefined}
          error={errors.destinations ? destinationsError(errors.destinations) : undefined}
          format={format}
          lang={lang}
        />
      )}
      {site.kind === 'shelter' && (
        <>
          {numberField('occupancy', t('occupancy'))}
          {site.capacity !== undefined && <p className="report-hint">{t('capacity', { capacity: format.number(site.capacity) })}</p>}
        </>
      )}
      {site.kind === 'health_post' && (
        <>
          <fieldset className="report-choices" aria-invalid={errors.status ? true : undefined}>
            <legend>{t('status')}</legend>
            {HealthStatus.options.map((status) => (
              <label key={status} className={`report-choice report-status-${status}`}>
                <input
                  type="radio"
                  name="status"
                  value={status}
                  checked={values.status === status}
                  onChange={() => set('status', status)}
                  disabled={pending !== undefined}
                />
                <span>{t(status)}</span>
              </label>
            ))}
            {errors.status && <span className="report-error">{t(errors.status)}</span>}
          </fieldset>
          <label className="report-field">
            <span>{t('note')}</span>
            <textarea name="note" rows={3} value={values.note} onChange={(e) => set('note', e.target.value)} disabled={pending !== undefined} />
            <span className={values.note.length > NOTE_MAX ? 'report-error' : 'report-hint'}>
              {t('noteLength', { count: values.note.length })}
            </span>
          </label>
        </>
      )}
      {errors.form && (
        <p className="report-error" role="alert">
          {t('invalid', { message: errors.form })}
        </p>
      )}
      {pending ? (
        <div className="report-confirm" role="alertdialog" aria-labelledby="report-confirm-title" data-testid="confirm" ref={confirmRef}>
          <p id="report-confirm-title" className="report-confirm-title">
            {t('checkTitle')}
          </p>
          {pending.warnings.map((w, i) => (
            <p key={i} data-testid={`warning-${w.kind}`}>
              {warningText(w, t, format)}
            </p>
          ))}
          <div className="report-confirm-actions">
            <button type="button" className="report-button" onClick={() => void save(pending.report)} disabled={saving}>
              {t('confirmSend')}
            </button>
            <button type="button" className="report-button report-button-secondary" onClick={() => setPending(undefined)}>
              {t('correct')}
            </button>
          </div>
        </div>
      ) : (
        <div className="report-send">
          <button type="submit" className="report-button" disabled={saving} data-testid="send">
            {t('send')}
          </button>
        </div>
      )}
      {saved && (
        <p className="report-note" role="status" data-testid="saved">
          {t('saved')}
        </p>
      )}
    </form>
  );
}

function warningText(warning: Warning, t: TFunction<'report'>, format: Format): string {
  switch (warning.kind) {
    case 'aboveUsual':
      return t('aboveUsual', { typed: format.number(warning.typed), usual: format.number(warning.usual), field: t(`field_${warning.field}`) });
    case 'aboveLimit':
      return t('aboveLimit', { typed: format.number(warning.typed), field: t(`field_${warning.field}`) });
    case 'aboveCapacity':
      return t('aboveCapacity', { typed: format.number(warning.typed), capacity: format.number(warning.capacity) });
    case 'closing':
      return t('closing');
    case 'overlap': {
      // "You reported 1 h at 07:30: 250 arrivals. Send this as well?": the earlier report, said back whole.
      const values = {
        period: periodText(warning.earlier.periodMinutes, t),
        time: format.time(warning.earlier.observedAt),
        arrivals: format.number(warning.earlier.arrivals),
      };
      return warning.fromPhone ? t('overlapPhone', values) : t('overlapServer', values);
    }
  }
}

interface StepProps {
  site: Site;
  values: FormValues;
  onChange: (pcode: string, text: string) => void;
  onBack: () => void;
  disabled: boolean;
  error: string | undefined;
  format: Format;
  lang: ReturnType<typeof currentLanguage>;
}

/**
 * "Where are they heading?": persons by governorate, the checkpoint's nearest first; everyone not
 * placed counts as "don't know", which is where the step starts.
 */
function DestinationsStep({ site, values, onChange, onBack, disabled, error, format, lang }: StepProps) {
  const { t } = useTranslation('report');
  const arrivals = readCount(values.arrivals);
  const total = typeof arrivals === 'number' ? arrivals : 0;
  const placed = placedPersons(values.destinations);
  // A site with no coordinate yet is placed at its governorate's label point: its own governorate first.
  const home = GOVERNORATE_POINTS.find((g) => g.pcode === site.governorate);
  const ordered = site.lon !== null && site.lat !== null ? governoratesByDistance(site.lon, site.lat) : home ? governoratesByDistance(home.lon, home.lat) : governoratesByDistance(44, 33);
  const row = ({ governorate, km }: (typeof ordered)[number]) => {
    const text = values.destinations.get(governorate.pcode) ?? '';
    return (
      <label key={governorate.pcode} className="report-dest" data-testid={`dest-${governorate.pcode}`}>
        <span className="report-dest-name">
          {placeName(governorate, lang)} <span className="report-hint">{t('destKm', { km: format.number(Math.round(km)) })}</span>
        </span>
        <input
          name={`dest-${governorate.pcode}`}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          enterKeyHint="next"
          value={text}
          onChange={(e) => onChange(governorate.pcode, e.target.value)}
          aria-invalid={readCount(text) === 'invalid' ? true : undefined}
          disabled={disabled}
        />
      </label>
    );
  };
  return (
    <fieldset className="report-dests" data-testid="destinations">
      <legend>{t('destTitle')}</legend>
      <p className="report-hint">{t('destHint')}</p>
      <p className="report-dest-unknown" data-testid="dest-unknown" aria-live="polite">
        {t('summary_arrivals', { arrivals: format.number(total), period: periodText(values.periodMinutes, t) })} ·{' '}
        {t('destUnknown', { count: format.number(Math.max(0, total - placed)) })}
      </p>
      {error && <p className="report-error">{error}</p>}
      {ordered.slice(0, NEAREST_SHOWN).map(row)}
      <details className="report-dest-more">
        <summary>{t('destMore')}</summary>
        {ordered.slice(NEAREST_SHOWN).map(row)}
      </details>
      <button type="button" className="report-button report-button-secondary" onClick={onBack} disabled={disabled}>
        {t('destBack')}
      </button>
    </fieldset>
  );
}
