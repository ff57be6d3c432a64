// People and devices: issue a token (one, or one per site of a governorate), show its link and QR
// code at once and print its enrolment card; list the tokens, filter, search, revoke one or many.
// A token's secret is shown only here, right after it is issued: the server keeps only its hash.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { enrolmentLink } from '../../../shared/enrolment.ts';
import { byPlaceName, directionOf, isLanguage, type Language } from '../../../shared/language.ts';
import {
  IssuedToken,
  IssuedTokenBatch,
  Role,
  TokenInfo,
  TokensRevoked,
  type SiteKind,
  type TokenState,
} from '../../../shared/schemas.ts';
import { placeName, useFormat } from '../../components/format.ts';
import { LanguageOptions } from '../../components/LanguageSwitcher.tsx';
import { useGovernorates } from '../../components/useDashboardFeed.ts';
import { i18n } from '../../i18n/index.ts';
import { apiRequest } from '../../lib/api.ts';
import { useDashboard } from '../../store/store.ts';
import { FieldError, GovernorateOptions, instantFromLocal, useSubmission } from './forms.tsx';
import type { AdminPageProps } from './pageProps.ts';
import { QrCode } from './QrCode.tsx';

const ROLES = Role.options;
const KINDS: SiteKind[] = ['checkpoint', 'shelter', 'health_post'];

/** A token just issued: its secret, shown once, and what the card prints. */
interface Issued {
  id: string;
  token: string;
  role: Role;
  label: string;
  sites: string[];
  link: string;
}

export function PeoplePage(_props: AdminPageProps) {
  const { t } = useTranslation('admin');
  const [issued, setIssued] = useState<Issued[]>([]);
  const [listVersion, setListVersion] = useState(0);
  const [cardLang, setCardLang] = useState<Language>(() => {
    const lang = i18n.language;
    return isLanguage(lang) ? lang : 'en';
  });
  const onIssued = (made: Issued[]) => {
    setIssued(made);
    setListVersion((v) => v + 1);
  };
  return (
    <div className="admin-page people-page">
      <h2 className="no-print">{t('page_people')}</h2>
      <p className="admin-intro no-print">{t('peopleIntro')}</p>
      <div className="admin-columns no-print">
        <IssueForm onIssued={onIssued} />
        <BatchForm onIssued={onIssued} />
      </div>
      {issued.length > 0 ? (
        <section className="issued" aria-live="polite" data-testid="issued">
          <div className="issued-tools no-print">
            <h3>{t(issued.length === 1 ? 'issuedOne' : 'issuedMany', { count: issued.length })}</h3>
            <p className="warning-note">{t('shownOnce')}</p>
            <label>
              {t('cardLanguage')}{' '}
              <select value={cardLang} onChange={(e) => setCardLang(e.target.value as Language)} data-testid="card-language">
                <LanguageOptions />
              </select>
            </label>
            <button type="button" onClick={() => window.print()} data-testid="print-cards">
              {t(issued.length === 1 ? 'printCard' : 'printSheets')}
            </button>
            <button type="button" onClick={() => setIssued([])}>
              {t('done')}
            </button>
          </div>
          <div className={issued.length === 1 ? 'cards cards-single' : 'cards cards-sheet'}>
            {issued.map((i) => (
              <EnrolmentCard key={i.id} issued={i} lang={cardLang} />
            ))}
          </div>
        </section>
      ) : null}
      <TokenList version={listVersion} />
    </div>
  );
}

/** The link for the device to open: on this server, where the person opens the admin page. */
const linkOf = (role: Role, token: string) => enrolmentLink(window.location.origin, role, token);

function IssueForm({ onIssued }: { onIssued: (made: Issued[]) => void }) {
  const { t } = useTranslation('admin');
  const { lang } = useFormat();
  const sites = useDashboard((s) => s.sites);
  const [role, setRole] = useState<Role>('reporter');
  const [label, setLabel] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [siteFilter, setSiteFilter] = useState('');
  const [expires, setExpires] = useState('');
  const { busy, errors, run } = useSubmission();

  const matching = useMemo(() => {
    const needle = siteFilter.trim().toLowerCase();
    return Object.values(sites)
      .filter((s) => !needle || s.id.includes(needle) || [s.nameEn, s.nameAr, s.nameCkb ?? ''].some((n) => n.toLowerCase().includes(needle)))
      .sort(byPlaceName(lang))
      .slice(0, 50);
  }, [sites, siteFilter, lang]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const body = {
      role,
      label,
      ...(role === 'reporter' ? { sites: chosen } : {}),
      ...(expires ? { expiresAt: instantFromLocal(expires) ?? expires } : {}),
    };
    const answer = await run(() => apiRequest('/api/tokens', IssuedToken, { method: 'POST', body }));
    if (!answer) return;
    onIssued([{ ...answer, role, label: label.trim(), sites: role === 'reporter' ? chosen : [], link: linkOf(role, answer.token) }]);
    setLabel('');
    setChosen([]);
    setExpires('');
  };

  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));

  return (
    <form className="admin-form" onSubmit={submit} data-testid="issue-form" noValidate>
      <h3>{t('issueTitle')}</h3>
      <label>
        {t('role')}
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="issue-role">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role_${r}`)}
            </option>
          ))}
        </select>
        <FieldError errors={errors} field="role" />
      </label>
      <label>
        {t('label')}
        <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder={t('labelHint')} data-testid="issue-label" />
        <FieldError errors={errors} field="label" />
      </label>
      {role === 'reporter' ? (
        <fieldset className="site-chooser">
          <legend>{t('sites')}</legend>
          <input type="search" value={siteFilter} onChange={(e) => setSiteFilter(e.target.value)} placeholder={t('findSite')} data-testid="issue-site-filter" />
          {chosen.length ? (
            <p className="chosen">
              {chosen.map((id) => (sites[id] ? placeName(sites[id], lang) : id)).join(' · ')}
            </p>
          ) : null}
          <div className="site-options">
            {matching.map((s) => (
              <label key={s.id}>
                <input type="checkbox" checked={chosen.includes(s.id)} onChange={() => toggle(s.id)} data-testid={`issue-site-${s.id}`} />
                {placeName(s, lang)} <small>({t(`kind_${s.kind}`)})</small>
              </label>
            ))}
          </div>
          <FieldError errors={errors} field="sites" />
        </fieldset>
      ) : null}
      <label>
        {t('expiresOptional')}
        <input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} data-testid="issue-expires" />
        <FieldError errors={errors} field="expiresAt" />
      </label>
      {errors.has('(form)') && errors.size === 1 ? <FieldError errors={errors} field="(form)" /> : null}
      <button type="submit" disabled={busy} data-testid="issue-submit">
        {t('issue')}
      </button>
    </form>
  );
}

function BatchForm({ onIssued }: { onIssued: (made: Issued[]) => void }) {
  const { t } = useTranslation('admin');
  const { lang } = useFormat();
  const governorates = useGovernorates();
  const [governorate, setGovernorate] = useState('');
  const [kinds, setKinds] = useState<SiteKind[]>(['checkpoint']);
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState('');
  const { busy, errors, run } = useSubmission();

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const body = {
      governorate,
      label,
      ...(kinds.length ? { kinds } : {}),
      ...(expires ? { expiresAt: instantFromLocal(expires) ?? expires } : {}),
    };
    const answer = await run(() => apiRequest('/api/tokens/batch', IssuedTokenBatch, { method: 'POST', body }));
    if (!answer) return;
    onIssued(answer.tokens.map((tk) => ({ id: tk.id, token: tk.token, role: 'reporter', label: tk.label, sites: [tk.siteId], link: linkOf('reporter', tk.token) })));
  };

  return (
    <form className="admin-form" onSubmit={submit} data-testid="batch-form" noValidate>
      <h3>{t('batchTitle')}</h3>
      <p className="hint">{t('batchHint')}</p>
      <label>
        {t('governorate')}
        <select value={governorate} onChange={(e) => setGovernorate(e.target.value)} data-testid="batch-governorate">
          <GovernorateOptions governorates={governorates} lang={lang} choose={t('choose')} />
        </select>
        <FieldError errors={errors} field="governorate" />
      </label>
      <fieldset>
        <legend>{t('kinds')}</legend>
        {KINDS.map((k) => (
          <label key={k} className="inline">
            <input type="checkbox" checked={kinds.includes(k)} onChange={() => setKinds((ks) => (ks.includes(k) ? ks.filter((x) => x !== k) : [...ks, k]))} />
            {t(`kind_${k}`)}
          </label>
        ))}
        <FieldError errors={errors} field="kinds" />
      </fieldset>
      <label>
        {t('labelPrefix')}
        <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder={t('labelPrefixHint')} data-testid="batch-label" />
        <FieldError errors={errors} field="label" />
      </label>
      <label>
        {t('expiresOptional')}
        <input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
        <FieldError errors={errors} field="expiresAt" />
      </label>
      {errors.has('(form)') && errors.size === 1 ? <FieldError errors={errors} field="(form)" /> : null}
      <button type="submit" disabled={busy} data-testid="batch-submit">
        {t('issueBatch')}
      </button>
    </form>
  );
}

/** The card a lead keeps: the site names, the QR code and what to do, in the lead's language. */
function EnrolmentCard({ issued, lang }: { issued: Issued; lang: Language }) {
  const { t } = useTranslation('admin');
  const sites = useDashboard((s) => s.sites);
  const tc = useMemo(() => i18n.getFixedT(lang, 'admin'), [lang]);
  const names = issued.sites.map((id) => (sites[id] ? placeName(sites[id], lang) : id));
  const [copied, setCopied] = useState(false);
  return (
    <article className="enrol-card" lang={lang} dir={directionOf(lang)} data-testid="enrol-card">
      <header>
        <strong>{tc('cardTitle')}</strong>
        <span>{issued.label}</span>
      </header>
      {names.length ? <p className="card-sites">{names.join(' · ')}</p> : <p className="card-sites">{tc(`role_${issued.role}`)}</p>}
      <QrCode text={issued.link} />
      <ol className="card-steps">
        <li>{tc(issued.role === 'reporter' ? 'cardStep1Report' : 'cardStep1Dashboard')}</li>
        <li>{tc(issued.role === 'reporter' ? 'cardStep2Report' : 'cardStep2Dashboard')}</li>
        <li>{tc('cardStep3')}</li>
      </ol>
      <div className="card-link no-print">
        <input readOnly value={issued.link} aria-label={t('link')} data-testid="enrol-link" onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(issued.link).then(() => setCopied(true));
          }}
        >
          {copied ? t('copied') : t('copy')}
        </button>
      </div>
    </article>
  );
}

const STATES: TokenState[] = ['active', 'expired', 'revoked'];

function TokenList({ version }: { version: number }) {
  const { t } = useTranslation('admin');
  const { format, lang } = useFormat();
  const sites = useDashboard((s) => s.registry);
  const [role, setRole] = useState<Role | ''>('');
  const [state, setState] = useState<TokenState | ''>('active');
  const [q, setQ] = useState('');
  const [tokens, setTokens] = useState<TokenInfo[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const [reload, setReload] = useState(0);
  const { busy, errors, run } = useSubmission();

  const load = useCallback(
    (signal: AbortSignal) => {
      const query = new URLSearchParams();
      if (role) query.set('role', role);
      if (state) query.set('state', state);
      if (q.trim()) query.set('q', q.trim());
      apiRequest(`/api/tokens?${query}`, z.array(TokenInfo), { signal })
        .then(setTokens)
        .catch(() => undefined);
    },
    [role, state, q],
  );
  useEffect(() => {
    const controller = new AbortController();
    // a search waits for the typing to pause
    const timer = setTimeout(() => load(controller.signal), 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [load, version, reload]);

  const revoke = async (ids: string[]) => {
    const answer = await run(() => apiRequest('/api/tokens/revoke', TokensRevoked, { method: 'POST', body: { ids } }));
    setConfirming(null);
    if (!answer) return;
    setSelected(new Set());
    setReload((r) => r + 1);
  };
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const revocable = (tokens ?? []).filter((tk) => tk.state !== 'revoked');
  const siteNames = (ids: string[]) => ids.map((id) => (sites[id] ? placeName(sites[id], lang) : id)).join(', ');

  return (
    <section className="token-list no-print" data-testid="token-list">
      <h3>{t('tokensTitle')}</h3>
      <div className="filters">
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('searchTokens')} aria-label={t('searchTokens')} data-testid="token-search" />
        <select value={role} onChange={(e) => setRole(e.target.value as Role | '')} aria-label={t('role')} data-testid="token-role">
          <option value="">{t('allRoles')}</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role_${r}`)}
            </option>
          ))}
        </select>
        <select value={state} onChange={(e) => setState(e.target.value as TokenState | '')} aria-label={t('state')} data-testid="token-state">
          <option value="">{t('allStates')}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state_${s}`)}
            </option>
          ))}
        </select>
        <button type="button" disabled={selected.size === 0 || busy} onClick={() => setConfirming([...selected])} data-testid="revoke-selected">
          {t('revokeSelected', { count: selected.size })}
        </button>
      </div>
      {confirming ? (
        <div className="confirm" role="alertdialog" data-testid="revoke-confirm">
          <p>{t('confirmRevoke', { count: confirming.length })}</p>
          <button type="button" className="danger" onClick={() => void revoke(confirming)} data-testid="revoke-yes">
            {t('revokeYes')}
          </button>
          <button type="button" onClick={() => setConfirming(null)}>
            {t('cancel')}
          </button>
        </div>
      ) : null}
      <FieldError errors={errors} field="(form)" />
      {tokens === null ? (
        <p>{t('loading')}</p>
      ) : tokens.length === 0 ? (
        <p>{t('noTokens')}</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={t('selectAll')}
                  checked={revocable.length > 0 && revocable.every((tk) => selected.has(tk.id))}
                  onChange={(e) => setSelected(e.target.checked ? new Set(revocable.map((tk) => tk.id)) : new Set())}
                />
              </th>
              <th>{t('label')}</th>
              <th>{t('role')}</th>
              <th>{t('sites')}</th>
              <th>{t('created')}</th>
              <th>{t('expires')}</th>
              <th>{t('lastUsed')}</th>
              <th>{t('state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((tk) => (
              <tr key={tk.id} data-testid="token-row" data-token-id={tk.id} data-state={tk.state}>
                <td>
                  {tk.state !== 'revoked' ? <input type="checkbox" aria-label={tk.label} checked={selected.has(tk.id)} onChange={() => toggle(tk.id)} /> : null}
                </td>
                <td>{tk.label}</td>
                <td>
                  {t(`role_${tk.role}`)}
                  {tk.exercise ? ` · ${t('exerciseToken')}` : ''}
                </td>
                <td>{siteNames(tk.sites) || '—'}</td>
                <td>{format.dateTime(tk.createdAt)}</td>
                <td>{tk.expiresAt ? format.dateTime(tk.expiresAt) : t('never')}</td>
                <td>{tk.lastUsedAt ? format.dateTime(tk.lastUsedAt) : t('notYet')}</td>
                <td className={`state state-${tk.state}`}>{t(`state_${tk.state}`)}</td>
                <td>
                  {tk.state !== 'revoked' ? (
                    <button type="button" className="danger" onClick={() => setConfirming([tk.id])} data-testid="revoke-one">
                      {t('revoke')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

