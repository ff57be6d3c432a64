// The short form of one site's kind; a report is stamped and saved on the device when the lead presses send.
import { useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { v4 as uuidv4 } from 'uuid';
import { HealthStatus, type Report, type Site } from '../../../shared/schemas.ts';
import type { Format } from '../../components/format.ts';
import { buildReport, EMPTY_FORM, NOTE_MAX, PERIODS, type FieldErrors, type FormValues } from './formValues.ts';
import { checkReport, type Warning } from './guardRails.ts';
import type { QueueItem } from './queue.ts';
import type { Sender } from './sender.ts';

interface Props {
  site: Site;
  sender: Sender;
  history: readonly QueueItem[];
  format: Format;
}

export function ReportForm({ site, sender, history, format }: Props) {
  const { t } = useTranslation('report');
  const [values, setValues] = useState<FormValues>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState<{ report: Report; warnings: Warning[] } | undefined>();
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined }));
    setSaved(false);
  };

  const save = async (report: Report) => {
    setSaving(true);
    try {
      await sender.enqueue(report);
      setValues({ ...EMPTY_FORM, periodMinutes: values.periodMinutes });
      setPending(undefined);
      setSaved(true);
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
    const warnings = checkReport(built.report, site, history);
    if (warnings.length) setPending({ report: built.report, warnings });
    else void save(built.report);
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
      {site.kind === 'checkpoint' && (
        <>
          {numberField('arrivals', t('arrivals'))}
          <fieldset className="report-choices">
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
                <span>{minutes < 60 ? t('minutes', { count: minutes }) : t('hours', { count: minutes / 60 })}</span>
              </label>
            ))}
          </fieldset>
          {numberField('departures', t('departures'))}
          {numberField('households', t('households'))}
        </>
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
        <div className="report-confirm" role="alertdialog" aria-labelledby="report-confirm-title" data-testid="confirm">
          <p id="report-confirm-title" className="report-confirm-title">
            {t('checkTitle')}
          </p>
          {pending.warnings.map((w, i) => (
            <p key={i}>{warningText(w, t, format)}</p>
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
        <button type="submit" className="report-button" disabled={saving}>
          {t('send')}
        </button>
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
  }
}
