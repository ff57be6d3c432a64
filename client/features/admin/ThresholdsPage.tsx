// Thresholds (coordinators and admins): each rule's national line and its exceptions per governorate
// or site, previewed against the open alerts by the server's own rules, then saved. The server
// validates; its message for a field is shown next to that field.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Thresholds, type SiteKind } from '../../../shared/schemas.ts';
import { ThresholdPreview, type PreviewOutcome } from '../../../shared/thresholdPreview.ts';
import { apiRequest } from '../../lib/api.ts';
import { nameOf, refusalOf, useAdminOps, useRegistry, type Refusal, type Registry } from './adminOps.ts';

/** A number as typed: kept as text, so that what the person wrote is what the server judges. */
type Typed = string;
type Overrides = [string, Typed][];

/** The form's state: every value as typed, exceptions as ordered rows. */
interface Draft {
  surge: Typed;
  surgePerSite: Overrides;
  influx: Typed;
  influxPerGovernorate: Overrides;
  warningRatio: Typed;
  criticalRatio: Typed;
  silentHours: Typed;
  silentPerKind: Record<SiteKind, Typed>;
  silentPerSite: Overrides;
  exhaustion: { warningHours: Typed; criticalHours: Typed; shelterShare: Typed; smoothingHours: Typed } | null;
  sharePerGovernorate: Overrides;
}

const KINDS: SiteKind[] = ['checkpoint', 'shelter', 'health_post'];
const text = (n: number | undefined) => (n === undefined ? '' : String(n));
const rows = (record: Readonly<Record<string, number>> | undefined): Overrides => Object.entries(record ?? {}).map(([k, v]) => [k, String(v)]);

function draftOf(t: Thresholds): Draft {
  const ex = t.capacityExhaustion;
  return {
    surge: text(t.checkpointSurge.arrivals1h),
    surgePerSite: rows(t.checkpointSurge.perSite),
    influx: text(t.governorateInflux.arrivals24h),
    influxPerGovernorate: rows(t.governorateInflux.perGovernorate),
    warningRatio: text(t.shelterCapacity.warningRatio),
    criticalRatio: text(t.shelterCapacity.criticalRatio),
    silentHours: text(t.siteSilent.hours),
    silentPerKind: { checkpoint: text(t.siteSilent.perKind.checkpoint), shelter: text(t.siteSilent.perKind.shelter), health_post: text(t.siteSilent.perKind.health_post) },
    silentPerSite: rows(t.siteSilent.perSite),
    exhaustion: ex ? { warningHours: text(ex.warningHours), criticalHours: text(ex.criticalHours), shelterShare: text(ex.shelterShare), smoothingHours: text(ex.smoothingHours) } : null,
    sharePerGovernorate: rows(ex?.shelterSharePerGovernorate),
  };
}

/** A typed number as sent: a number when it reads as one, else the text, for the server to name. */
const value = (typed: Typed): number | string => (typed.trim() !== '' && Number.isFinite(Number(typed)) ? Number(typed) : typed);

/** Rows to a record; built with Object.defineProperty-free assignment on a null-prototype map first. */
function record(overrides: Overrides): Record<string, number | string> {
  const entries = new Map<string, number | string>();
  for (const [key, typed] of overrides) if (key) entries.set(key, value(typed));
  return Object.fromEntries(entries);
}

/** The body PUT and preview take; unparsed, since the server is the one that judges it. */
function bodyOf(d: Draft): unknown {
  const perKind = Object.fromEntries(KINDS.filter((k) => d.silentPerKind[k].trim() !== '').map((k) => [k, value(d.silentPerKind[k])]));
  return {
    checkpointSurge: { arrivals1h: value(d.surge), perSite: record(d.surgePerSite) },
    governorateInflux: { arrivals24h: value(d.influx), perGovernorate: record(d.influxPerGovernorate) },
    shelterCapacity: { warningRatio: value(d.warningRatio), criticalRatio: value(d.criticalRatio) },
    siteSilent: { hours: value(d.silentHours), perKind, perSite: record(d.silentPerSite) },
    ...(d.exhaustion
      ? {
          capacityExhaustion: {
            warningHours: value(d.exhaustion.warningHours),
            criticalHours: value(d.exhaustion.criticalHours),
            shelterShare: value(d.exhaustion.shelterShare),
            smoothingHours: value(d.exhaustion.smoothingHours),
            ...(d.sharePerGovernorate.length ? { shelterSharePerGovernorate: record(d.sharePerGovernorate) } : {}),
          },
        }
      : {}),
  };
}

export function ThresholdsPage() {
  const { t, tDashboard } = useAdminOps();
  const registry = useRegistry();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [preview, setPreview] = useState<{ body: string; answer: ThresholdPreview } | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    apiRequest('/api/thresholds', Thresholds)
      .then((current) => setDraft(draftOf(current)))
      .catch((err: unknown) => setLoadError((err as Error).message));
  }, []);

  const body = useMemo(() => (draft ? JSON.stringify(bodyOf(draft)) : ''), [draft]);
  if (loadError) return <p role="alert">{t('failed', { message: loadError })}</p>;
  if (!draft) return <p>{t('loading')}</p>;

  const edit = (change: (d: Draft) => Draft) => {
    setDraft(change(draft));
    setSaved(false);
  };
  const previewed = preview?.body === body;

  async function run(kind: 'preview' | 'save') {
    setBusy(true);
    setRefusal(null);
    try {
      if (kind === 'preview') {
        const answer = await apiRequest('/api/thresholds/preview', ThresholdPreview, { method: 'POST', body: JSON.parse(body) });
        setPreview({ body, answer });
      } else {
        const stored = await apiRequest('/api/thresholds', Thresholds, { method: 'PUT', body: JSON.parse(body) });
        setDraft(draftOf(stored));
        setPreview(null);
        setSaved(true);
      }
    } catch (err) {
      setRefusal(refusalOf(err));
      setPreview(null);
    } finally {
      setBusy(false);
    }
  }

  const field = (path: string, label: string, typed: Typed, set: (v: Typed) => void, hint?: string) => (
    <Field path={path} label={label} value={typed} onChange={set} problem={refusal?.fields.get(path)} hint={hint} />
  );
  const checkpoints = registry?.sites.filter((s) => s.kind === 'checkpoint') ?? [];

  return (
    <form className="thresholds-page" data-testid="thresholds-page" onSubmit={(e) => e.preventDefault()}>
      <div className="rules">
      <Rule title={t('ruleSurge')} help={t('ruleSurgeHelp')}>
        {field('checkpointSurge.arrivals1h', `${t('national')}: ${t('arrivals1h')}`, draft.surge, (v) => edit((d) => ({ ...d, surge: v })))}
        <OverrideRows
          path="checkpointSurge.perSite"
          rows={draft.surgePerSite}
          choices={checkpoints.map((s) => s.id)}
          registry={registry}
          refusal={refusal}
          onChange={(r) => edit((d) => ({ ...d, surgePerSite: r }))}
        />
      </Rule>
      <Rule title={t('ruleInflux')} help={t('ruleInfluxHelp')}>
        {field('governorateInflux.arrivals24h', `${t('national')}: ${t('arrivals24h')}`, draft.influx, (v) => edit((d) => ({ ...d, influx: v })))}
        <OverrideRows
          path="governorateInflux.perGovernorate"
          rows={draft.influxPerGovernorate}
          choices={registry?.governorates.map((g) => g.pcode) ?? []}
          registry={registry}
          refusal={refusal}
          onChange={(r) => edit((d) => ({ ...d, influxPerGovernorate: r }))}
        />
      </Rule>
      <Rule title={t('ruleShelter')} help={t('ruleShelterHelp')}>
        {field('shelterCapacity.warningRatio', t('warningRatio'), draft.warningRatio, (v) => edit((d) => ({ ...d, warningRatio: v })))}
        {field('shelterCapacity.criticalRatio', t('criticalRatio'), draft.criticalRatio, (v) => edit((d) => ({ ...d, criticalRatio: v })))}
      </Rule>
      <Rule title={t('ruleSilent')} help={t('ruleSilentHelp')}>
        {field('siteSilent.hours', `${t('national')}: ${t('hours')}`, draft.silentHours, (v) => edit((d) => ({ ...d, silentHours: v })))}
        <fieldset className="per-kind">
          <legend>{t('perKind')}</legend>
          {KINDS.map((kind) =>
            field(`siteSilent.perKind.${kind}`, tDashboard(`kind_${kind}`), draft.silentPerKind[kind], (v) =>
              edit((d) => ({ ...d, silentPerKind: { ...d.silentPerKind, [kind]: v } })),
            ),
          )}
        </fieldset>
        <OverrideRows
          path="siteSilent.perSite"
          rows={draft.silentPerSite}
          choices={registry?.sites.map((s) => s.id) ?? []}
          registry={registry}
          refusal={refusal}
          onChange={(r) => edit((d) => ({ ...d, silentPerSite: r }))}
        />
      </Rule>
      {draft.exhaustion ? (
        <Rule title={t('ruleExhaustion')} help={t('ruleExhaustionHelp')}>
          {(['warningHours', 'criticalHours', 'shelterShare', 'smoothingHours'] as const).map((key) =>
            field(`capacityExhaustion.${key}`, t(key), draft.exhaustion![key], (v) => edit((d) => ({ ...d, exhaustion: { ...d.exhaustion!, [key]: v } }))),
          )}
          <OverrideRows
            path="capacityExhaustion.shelterSharePerGovernorate"
            rows={draft.sharePerGovernorate}
            choices={registry?.governorates.map((g) => g.pcode) ?? []}
            registry={registry}
            refusal={refusal}
            onChange={(r) => edit((d) => ({ ...d, sharePerGovernorate: r }))}
          />
        </Rule>
      ) : null}
      </div>

      {/* Beside the rules and in view while scrolling them: what the change would do, and saving it. */}
      <aside className="thresholds-aside">
      <div className="actions">
        <button type="button" onClick={() => void run('preview')} disabled={busy} data-testid="thresholds-preview">
          {t('preview')}
        </button>
        <button type="button" className="primary" onClick={() => void run('save')} disabled={busy || !previewed} data-testid="thresholds-save" title={previewed ? undefined : t('previewFirst')}>
          {t('save')}
        </button>
        {!previewed && !saved ? <span className="hint">{t('previewFirst')}</span> : null}
      </div>
      {refusal ? (
        <p className="refusal" role="alert" data-testid="thresholds-refusal">
          {t('fieldProblems', { message: refusal.message })}
        </p>
      ) : null}
      {saved ? (
        <p className="saved" role="status" data-testid="thresholds-saved">
          {t('saved')}
        </p>
      ) : null}
      {previewed ? <PreviewList preview={preview.answer} registry={registry} /> : null}
      </aside>
    </form>
  );
}

function Rule({ title, help, children }: { title: string; help: string; children: ReactNode }) {
  return (
    <fieldset className="rule">
      <legend>{title}</legend>
      <p className="help">{help}</p>
      {children}
    </fieldset>
  );
}

function Field(props: { path: string; label: string; value: Typed; onChange: (v: Typed) => void; problem?: string; hint?: string }) {
  const id = `field-${props.path.replace(/[^\w-]/g, '_')}`;
  return (
    <div className={`field${props.problem ? ' has-problem' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        inputMode="decimal"
        dir="ltr"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-field={props.path}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={props.problem ? `${id}-problem` : undefined}
      />
      {props.problem ? (
        <span className="problem" id={`${id}-problem`} data-problem-for={props.path}>
          {props.problem}
        </span>
      ) : null}
    </div>
  );
}

function OverrideRows(props: {
  path: string;
  rows: Overrides;
  choices: string[];
  registry: Registry | null;
  refusal: Refusal | null;
  onChange: (rows: Overrides) => void;
}) {
  const { t, lang } = useAdminOps();
  const { rows: list, onChange } = props;
  const set = (i: number, row: [string, Typed]) => onChange(list.map((r, j) => (j === i ? row : r)));
  return (
    <fieldset className="overrides" data-overrides={props.path}>
      <legend>{t('overrides')}</legend>
      {list.map(([key, typed], i) => {
        const path = `${props.path}.${key}`;
        const problem = props.refusal?.fields.get(path);
        const options = props.choices.includes(key) || !key ? props.choices : [key, ...props.choices];
        return (
          <div key={i} className={`override${problem ? ' has-problem' : ''}`} data-override={key}>
            <select value={key} onChange={(e) => set(i, [e.target.value, typed])} aria-label={t('overrides')}>
              <option value="">{t('choose')}</option>
              {options.map((id) => (
                <option key={id} value={id}>
                  {nameOf(props.registry, id, lang)}
                </option>
              ))}
            </select>
            <input inputMode="decimal" dir="ltr" value={typed} onChange={(e) => set(i, [key, e.target.value])} data-field={path} aria-invalid={problem ? true : undefined} />
            <button type="button" onClick={() => onChange(list.filter((_, j) => j !== i))}>
              {t('remove')}
            </button>
            {problem ? (
              <span className="problem" data-problem-for={path}>
                {problem}
              </span>
            ) : null}
          </div>
        );
      })}
      <button type="button" className="add" onClick={() => onChange([...list, ['', '']])}>
        {t('addOverride')}
      </button>
    </fieldset>
  );
}

function PreviewList({ preview, registry }: { preview: ThresholdPreview; registry: Registry | null }) {
  const { t, tAlerts, lang, format } = useAdminOps();
  const level = (l: PreviewOutcome['before']) =>
    l ? `${tAlerts(`severity_${l.severity}`)} · ${format.number(l.value)} / ${format.number(l.threshold)}` : '–';
  return (
    <section className="preview" aria-labelledby="preview-heading" data-testid="thresholds-preview-list">
      <h2 id="preview-heading">{t('previewTitle')}</h2>
      {preview.outcomes.length === 0 ? <p>{t('previewNothing')}</p> : null}
      <ul>
        {preview.outcomes.map((o) => (
          <li key={`${o.rule}|${o.siteId ?? o.governorate}`} className={`outcome outcome-${o.change}`} data-change={o.change} data-subject={o.siteId ?? o.governorate}>
            <strong>{nameOf(registry, o.siteId ?? o.governorate, lang)}</strong> {t(`change_${o.change}`)}
            <span className="levels" dir="auto">
              {level(o.before)} → {level(o.after)}
            </span>
          </li>
        ))}
      </ul>
      <p className="hint">{t('previewUnchanged', { count: preview.unchanged })}</p>
    </section>
  );
}
