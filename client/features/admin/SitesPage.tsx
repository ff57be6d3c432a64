// Sites: the registry, searchable; create or edit a site, its point picked on the map or typed, and
// told which governorate the point falls in (shared/geo.ts, as the fixtures' build checks it). The
// server validates as for any PUT /api/sites/:id, and its message shows next to the field it names.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { BORDER_TOLERANCE_KM, checkPlacement, isApproximate, type GovernorateShape } from '../../../shared/geo.ts';
import { CoordinateQuality, Site, SiteImportAnswer, type Pcode, type SiteKind } from '../../../shared/schemas.ts';
import { byPlaceName, placeName, useFormat } from '../../components/format.ts';
import { useGovernorates } from '../../components/useDashboardFeed.ts';
import { apiRequest } from '../../lib/api.ts';
import { useDashboard } from '../../store/store.ts';
import { FieldError, GovernorateOptions, useSubmission } from './forms.tsx';
import type { AdminPageProps } from './pageProps.ts';
import { SitePicker } from './SitePicker.tsx';

const KINDS: SiteKind[] = ['checkpoint', 'shelter', 'health_post'];
const QUALITIES: readonly CoordinateQuality[] = CoordinateQuality.options.filter((q) => q !== 'unlocated' && q !== 'representative');

/** The form's fields as typed: numbers stay text until the server reads them. */
interface Draft {
  id: string;
  kind: SiteKind;
  nameEn: string;
  nameAr: string;
  nameCkb: string;
  governorate: string;
  capacity: string;
  capacityEstimated: boolean;
  lon: string;
  lat: string;
  coordinateQuality: CoordinateQuality;
}

const emptyDraft = (): Draft => ({
  id: '',
  kind: 'shelter',
  nameEn: '',
  nameAr: '',
  nameCkb: '',
  governorate: '',
  capacity: '',
  capacityEstimated: false,
  lon: '',
  lat: '',
  coordinateQuality: 'secondary_unverified',
});

function draftOf(site: Site): Draft {
  return {
    id: site.id,
    kind: site.kind,
    nameEn: site.nameEn,
    nameAr: site.nameAr,
    nameCkb: site.nameCkb ?? '',
    governorate: site.governorate,
    capacity: site.capacity === undefined ? '' : String(site.capacity),
    capacityEstimated: site.capacityEstimated === true,
    lon: site.lon === null ? '' : String(site.lon),
    lat: site.lat === null ? '' : String(site.lat),
    coordinateQuality: site.coordinateQuality && QUALITIES.includes(site.coordinateQuality) ? site.coordinateQuality : 'secondary_unverified',
  };
}

/** A typed number as the API takes it; anything else goes as typed, for the server to name. */
const numberOrText = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

/** The body of PUT /api/sites/:id: the draft over what the registry holds (its sources, its mark). */
function bodyOf(draft: Draft, existing: Site | undefined): Record<string, unknown> {
  const located = draft.lon.trim() !== '' || draft.lat.trim() !== '';
  const { lon: _lon, lat: _lat, capacity: _capacity, capacityEstimated: _estimated, coordinateQuality: _quality, nameCkb: _ckb, ...kept } = existing ?? ({} as Partial<Site>);
  return {
    ...kept,
    id: draft.id.trim(),
    kind: draft.kind,
    nameEn: draft.nameEn,
    nameAr: draft.nameAr,
    ...(draft.nameCkb.trim() ? { nameCkb: draft.nameCkb } : {}),
    governorate: draft.governorate,
    lon: located ? numberOrText(draft.lon) : null,
    lat: located ? numberOrText(draft.lat) : null,
    coordinateQuality: located ? draft.coordinateQuality : 'unlocated',
    ...(draft.kind === 'shelter' && draft.capacity.trim() !== '' ? { capacity: numberOrText(draft.capacity) } : {}),
    ...(draft.kind === 'shelter' && draft.capacityEstimated ? { capacityEstimated: true } : {}),
  };
}

export function SitesPage(_props: AdminPageProps) {
  const { t } = useTranslation('admin');
  const { lang, format } = useFormat();
  // the whole registry: a closed site stays listed, marked, with a Reopen button
  const sites = useDashboard((s) => s.registry);
  const governorates = useGovernorates();
  const [closing, setClosing] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<SiteKind | ''>('');
  const [editing, setEditing] = useState<{ draft: Draft; existing?: Site } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const listed = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return Object.values(sites)
      .filter((s) => (!kind || s.kind === kind) && (!needle || s.id.includes(needle) || [s.nameEn, s.nameAr, s.nameCkb ?? ''].some((n) => n.toLowerCase().includes(needle))))
      .sort((a, b) => a.governorate.localeCompare(b.governorate) || byPlaceName(lang)(a, b));
  }, [sites, q, kind, lang]);

  return (
    <div className="admin-page sites-page">
      <h2>{t('page_sites')}</h2>
      <p className="admin-intro">{t('sitesIntro')}</p>
      {saved ? (
        <p className="saved" role="status" data-testid="site-saved">
          {saved.startsWith('\u2713') ? saved.slice(1) : t('siteSaved', { name: saved })}
        </p>
      ) : null}
      {editing ? (
        <SiteForm
          key={editing.existing?.id ?? 'new'}
          initial={editing.draft}
          existing={editing.existing}
          onDone={(name) => {
            setEditing(null);
            setSaved(name);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <button type="button" onClick={() => (setSaved(null), setEditing({ draft: emptyDraft() }))} data-testid="site-new">
          {t('newSite')}
        </button>
      )}
      {editing ? null : <CsvImport onApplied={(count) => setSaved(`\u2713${t('importedCount', { count })}`)} />}
      <div className="filters">
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('searchSites')} aria-label={t('searchSites')} data-testid="site-search" />
        <select value={kind} onChange={(e) => setKind(e.target.value as SiteKind | '')} aria-label={t('kind')}>
          <option value="">{t('allKinds')}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind_${k}`)}
            </option>
          ))}
        </select>
        <span>{t('siteCount', { count: listed.length })}</span>
      </div>
      <table className="admin-table" data-testid="site-table">
        <thead>
          <tr>
            <th>{t('name')}</th>
            <th>{t('kind')}</th>
            <th>{t('governorate')}</th>
            <th>{t('capacity')}</th>
            <th>{t('coordinate')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {listed.map((s) => (
            <tr key={s.id} data-testid="site-row" data-site-id={s.id} data-closed={s.closedAt ? 'true' : undefined} className={s.closedAt ? 'closed' : undefined}>
              <td>
                {placeName(s, lang)} <small className="muted">{s.id}</small>
                {s.closedAt ? (
                  <span className="closed-mark" data-testid="site-closed-mark">
                    {t('closedSince', { time: format.dateTime(s.closedAt) })}
                  </span>
                ) : null}
                {closing === s.id ? <CloseSite site={s} onDone={(message) => (setClosing(null), setSaved(`\u2713${message}`))} onCancel={() => setClosing(null)} /> : null}
              </td>
              <td>{t(`kind_${s.kind}`)}</td>
              <td>{governorates[s.governorate] ? placeName(governorates[s.governorate]!, lang) : s.governorate}</td>
              <td>{s.capacity === undefined ? '—' : `${format.number(s.capacity)}${s.capacityEstimated ? ` (${t('estimated')})` : ''}`}</td>
              <td>
                {s.lon === null ? t('unplaced') : `${s.lat}, ${s.lon}`}
                {s.coordinateQuality ? <small className={isApproximate(s.coordinateQuality) ? 'approx' : 'muted'}> · {t(`quality_${s.coordinateQuality}`)}</small> : null}
              </td>
              <td>
                <span className="row-actions">
                  <button type="button" onClick={() => (setSaved(null), setEditing({ draft: draftOf(s), existing: s }))} data-testid="site-edit">
                    {t('edit')}
                  </button>
                  {s.closedAt ? (
                    <ReopenSite site={s} onDone={(message) => setSaved(`\u2713${message}`)} />
                  ) : (
                    <button type="button" onClick={() => (setSaved(null), setClosing(s.id))} disabled={closing === s.id} data-testid="site-close">
                      {t('closeSite')}
                    </button>
                  )}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Asks before closing, and says what closing keeps: the site's reports, exports and past pictures.
 * The server refuses new reports for it from then on and resolves its open alerts.
 */
function CloseSite({ site, onDone, onCancel }: { site: Site; onDone: (message: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('admin');
  const { lang } = useFormat();
  const setSites = useDashboard((s) => s.setSites);
  const { busy, errors, run } = useSubmission();
  const close = async () => {
    const answer = await run(() => apiRequest(`/api/sites/${encodeURIComponent(site.id)}/close`, Site, { method: 'POST', body: {} }));
    if (!answer) return;
    setSites(await apiRequest('/api/sites', z.array(Site)));
    onDone(t('siteClosedDone', { name: placeName(answer, lang) }));
  };
  return (
    <div className="close-confirm" role="alertdialog" aria-labelledby={`close-${site.id}`} data-testid="site-close-confirm">
      <p id={`close-${site.id}`}>
        <strong>{t('closeConfirmTitle', { name: placeName(site, lang) })}</strong> {t('closeConfirmBody')}
      </p>
      {errors.size ? (
        <p className="form-error" role="alert">
          {[...errors.values()][0]}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="danger" onClick={close} disabled={busy} data-testid="site-close-yes">
          {t('closeConfirmYes')}
        </button>
        <button type="button" onClick={onCancel} autoFocus>
          {t('keepOpen')}
        </button>
      </div>
    </div>
  );
}

function ReopenSite({ site, onDone }: { site: Site; onDone: (message: string) => void }) {
  const { t } = useTranslation('admin');
  const { lang } = useFormat();
  const setSites = useDashboard((s) => s.setSites);
  const { busy, errors, run } = useSubmission();
  const reopen = async () => {
    const answer = await run(() => apiRequest(`/api/sites/${encodeURIComponent(site.id)}/reopen`, Site, { method: 'POST', body: {} }));
    if (!answer) return;
    setSites(await apiRequest('/api/sites', z.array(Site)));
    onDone(t('siteReopenedDone', { name: placeName(answer, lang) }));
  };
  return (
    <>
      <button type="button" onClick={reopen} disabled={busy} data-testid="site-reopen">
        {t('reopenSite')}
      </button>
      {errors.size ? (
        <span className="form-error" role="alert">
          {[...errors.values()][0]}
        </span>
      ) : null}
    </>
  );
}

function SiteForm({ initial, existing, onDone, onCancel }: { initial: Draft; existing?: Site; onDone: (name: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('admin');
  const { lang } = useFormat();
  const governorates = useGovernorates();
  const shapes = useDashboard((s) => s.governorateShapes);
  const setSites = useDashboard((s) => s.setSites);
  const [draft, setDraft] = useState(initial);
  const { busy, errors, run } = useSubmission();
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const point = useMemo(() => {
    const lon = Number(draft.lon);
    const lat = Number(draft.lat);
    return draft.lon.trim() && draft.lat.trim() && Number.isFinite(lon) && Number.isFinite(lat) ? { lon, lat } : null;
  }, [draft.lon, draft.lat]);

  const placement = useMemo(() => {
    if (!point || !shapes) return null;
    const list: GovernorateShape[] = shapes.features.map((f) => ({ pcode: f.properties.pcode, geometry: f.geometry }));
    const atBorder = draft.kind === 'checkpoint' || (draft.kind === 'health_post' && draft.id.endsWith('-health'));
    return { ...checkPlacement(point, (draft.governorate || 'IQG01') as Pcode, atBorder, list), atBorder };
  }, [point, shapes, draft.kind, draft.id, draft.governorate]);
  const nameOf = (pcode: string | undefined) => (pcode && governorates[pcode] ? placeName(governorates[pcode], lang) : pcode);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const body = bodyOf(draft, existing);
    const id = encodeURIComponent(draft.id.trim() || '-');
    const answer = await run(() => apiRequest(`/api/sites/${id}`, Site, { method: 'PUT', body }));
    if (!answer) return;
    setSites(await apiRequest('/api/sites', z.array(Site)));
    onDone(placeName(answer, lang));
  };

  return (
    <form className="admin-form site-form" onSubmit={submit} noValidate data-testid="site-form">
      <h3>{existing ? t('editSite', { name: placeName(existing, lang) }) : t('newSite')}</h3>
      <div className="site-form-grid">
        <div className="site-fields">
          <label>
            {t('siteId')}
            <input value={draft.id} readOnly={existing !== undefined} onChange={(e) => set('id', e.target.value)} placeholder="domiz-2" data-testid="site-id" />
            <FieldError errors={errors} field="id" />
          </label>
          <label>
            {t('kind')}
            <select value={draft.kind} onChange={(e) => set('kind', e.target.value as SiteKind)} data-testid="site-kind">
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kind_${k}`)}
                </option>
              ))}
            </select>
            <FieldError errors={errors} field="kind" />
          </label>
          <label>
            {t('nameEn')}
            <input value={draft.nameEn} onChange={(e) => set('nameEn', e.target.value)} lang="en" dir="ltr" data-testid="site-name-en" />
            <FieldError errors={errors} field="nameEn" />
          </label>
          <label>
            {t('nameAr')}
            <input value={draft.nameAr} onChange={(e) => set('nameAr', e.target.value)} lang="ar" dir="rtl" data-testid="site-name-ar" />
            <FieldError errors={errors} field="nameAr" />
          </label>
          <label>
            {t('nameCkb')}
            <input value={draft.nameCkb} onChange={(e) => set('nameCkb', e.target.value)} lang="ckb" dir="rtl" data-testid="site-name-ckb" />
            <FieldError errors={errors} field="nameCkb" />
          </label>
          <label>
            {t('governorate')}
            <select value={draft.governorate} onChange={(e) => set('governorate', e.target.value)} data-testid="site-governorate">
              <GovernorateOptions governorates={governorates} lang={lang} choose={t('choose')} />
            </select>
            <FieldError errors={errors} field="governorate" />
          </label>
          {draft.kind === 'shelter' ? (
            <label>
              {t('capacityPersons')}
              <input inputMode="numeric" value={draft.capacity} onChange={(e) => set('capacity', e.target.value)} data-testid="site-capacity" />
              <span className="inline">
                <input type="checkbox" checked={draft.capacityEstimated} onChange={(e) => set('capacityEstimated', e.target.checked)} id="capacity-estimated" />
                <label htmlFor="capacity-estimated">{t('capacityEstimated')}</label>
              </span>
              <FieldError errors={errors} field="capacity" />
            </label>
          ) : null}
          <div className="coordinate-row">
            <label>
              {t('latitude')}
              <input inputMode="decimal" value={draft.lat} onChange={(e) => set('lat', e.target.value)} dir="ltr" data-testid="site-lat" />
              <FieldError errors={errors} field="lat" />
            </label>
            <label>
              {t('longitude')}
              <input inputMode="decimal" value={draft.lon} onChange={(e) => set('lon', e.target.value)} dir="ltr" data-testid="site-lon" />
              <FieldError errors={errors} field="lon" />
            </label>
          </div>
          <label>
            {t('coordinateQuality')}
            <select value={draft.coordinateQuality} onChange={(e) => set('coordinateQuality', e.target.value as CoordinateQuality)} data-testid="site-quality">
              {QUALITIES.map((q) => (
                <option key={q} value={q}>
                  {t(`quality_${q}`)}
                </option>
              ))}
            </select>
            <FieldError errors={errors} field="coordinateQuality" />
          </label>
        </div>
        <div className="site-map">
          <p className="hint">{t('pickOnMap')}</p>
          <SitePicker
            point={point}
            onPick={(lon, lat) => {
              setDraft((d) => ({ ...d, lon: String(lon), lat: String(lat) }));
            }}
          />
          {placement ? (
            <p
              className={placement.foundIn === (draft.governorate || undefined) ? 'placement ok' : placement.ok && draft.governorate ? 'placement near' : 'placement warn'}
              role="status"
              data-testid="placement"
            >
              {placement.foundIn ? t('pointIn', { governorate: nameOf(placement.foundIn) }) : t('pointOutside')}
              {draft.governorate && placement.foundIn !== draft.governorate
                ? ` ${placement.ok ? t('pointNearOwn', { governorate: nameOf(draft.governorate), km: placement.kmOutsideOwn.toFixed(1), tolerance: BORDER_TOLERANCE_KM }) : t('pointNotOwn', { governorate: nameOf(draft.governorate), km: placement.kmOutsideOwn.toFixed(1) })}`
                : ''}
            </p>
          ) : (
            <p className="placement">{t('noPoint')}</p>
          )}
        </div>
      </div>
      {errors.has('(form)') && errors.size === 1 ? (
        <p className="form-error" role="alert" data-testid="site-form-error">
          {errors.get('(form)')}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" disabled={busy} data-testid="site-save">
          {t('save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

/** A CSV of sites: previewed row by row first, then applied whole (or not at all) by the server. */
function CsvImport({ onApplied }: { onApplied: (count: number) => void }) {
  const { t } = useTranslation('admin');
  const setSites = useDashboard((s) => s.setSites);
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<SiteImportAnswer | null>(null);
  const { busy, errors, run } = useSubmission();

  const send = async (apply: boolean) => {
    const answer = await run(() => apiRequest('/api/sites/import', SiteImportAnswer, { method: 'POST', body: { csv, apply } }));
    if (!answer) return;
    if (!apply) {
      setPreview(answer);
      return;
    }
    setSites(await apiRequest('/api/sites', z.array(Site)));
    setPreview(null);
    setCsv('');
    onApplied(answer.changes.filter((c) => c.change === 'new' || c.change === 'changed').length);
  };
  const refused = preview ? preview.problems.length + preview.changes.filter((c) => c.change === 'refused').length : 0;
  const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

  return (
    <details className="admin-form csv-import" data-testid="csv-import">
      <summary>{t('importTitle')}</summary>
      <p className="hint">{t('importHint')}</p>
      <input
        type="file"
        accept=".csv,text/csv"
        aria-label={t('importFile')}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void file.text().then((text) => (setCsv(text), setPreview(null)));
        }}
      />
      <textarea value={csv} onChange={(e) => (setCsv(e.target.value), setPreview(null))} rows={5} dir="ltr" aria-label={t('importText')} data-testid="csv-text" />
      <FieldError errors={errors} field="csv" />
      {errors.has('(form)') && errors.size === 1 ? <FieldError errors={errors} field="(form)" /> : null}
      <div className="form-actions">
        <button type="button" disabled={busy || !csv.trim()} onClick={() => void send(false)} data-testid="csv-preview">
          {t('importPreview')}
        </button>
        {preview ? (
          <button type="button" disabled={busy || refused > 0} onClick={() => void send(true)} data-testid="csv-apply">
            {t('importApply')}
          </button>
        ) : null}
      </div>
      {preview ? (
        <>
          <p className={refused ? 'form-error' : 'hint'}>{refused ? t('importRefused', { count: refused }) : t('importReady')}</p>
          <table className="admin-table" data-testid="csv-changes">
            <tbody>
              {preview.problems.map((p) => (
                <tr key={`line-${p.line}-${p.message}`} data-change="refused">
                  <td>{t('importLine', { line: p.line })}</td>
                  <td className="state-revoked">{t('change_refused')}</td>
                  <td>{p.message}</td>
                </tr>
              ))}
              {preview.changes.map((c) => (
                <tr key={c.id} data-change={c.change}>
                  <td>{c.id}</td>
                  <td className={c.change === 'refused' ? 'state-revoked' : undefined}>{t(`change_${c.change}`)}</td>
                  <td>{c.reason ?? c.fields.map((f) => `${f.field}: ${show(f.from)} → ${show(f.to)}`).join('; ')}</td>
                </tr>
              ))}
              {preview.warnings.map((w) => (
                <tr key={w}>
                  <td />
                  <td className="approx">{t('importWarning')}</td>
                  <td>{w}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </details>
  );
}
