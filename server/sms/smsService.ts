// Reports by SMS, whatever the gateway: who sent it, what it says, store it once, and what to answer.
// A gateway adapter (kannel.ts; a RapidPro webhook would be another) turns its call into an
// InboundSms and sends back `text`. Parsing and wording are pure, in shared/sms.ts.
import { v5 as uuidv5 } from 'uuid';
import { isSameCount } from '../../shared/overlap.ts';
import { senderE164 } from '../../shared/phone.ts';
import { REPORT_KIND_FOR_SITE, type Report, type StoredReport, type World } from '../../shared/schemas.ts';
import { languageOfText, parseSms, siteForCode, smsReplyText, smsSize, type SmsOutcome, type SmsRequest } from '../../shared/sms.ts';
import type { Language } from '../../shared/language.ts';
import { HOUR_MS, isoSeconds } from '../../shared/time.ts';
import type { AuditLog } from '../audit.ts';
import { mayReportFor, type Principal } from '../auth.ts';
import { ingestReports, ReportRejected, type IngestDeps } from '../ingest.ts';
import { storedOverlaps } from '../overlapGuard.ts';
import type { PhoneRegistry } from '../phones.ts';
import { ReportConflictError } from '../storage/store.ts';

/** The namespace of SMS report ids (UUID v5): any fixed UUID of our own. */
export const SMS_REPORT_NAMESPACE = '4f1d6a52-3c0e-4b7a-9d51-2f8e6c9a1b37';

/**
 * How far back a gateway's retry of a message is looked for: smsbox retries within minutes, so two
 * hours of one site's reports are read first; a conflicting id (a later retry) reads two days.
 */
const RETRY_LOOKBACK_MS = 2 * HOUR_MS;
const LATE_RETRY_LOOKBACK_MS = 48 * HOUR_MS;
/** How many overlapping reports are read to find the same count again. */
const SAME_COUNT_LOOKUP = 20;

export interface InboundSms {
  /** which adapter: part of the report id, so two gateways' message ids never meet */
  gateway: string;
  /** the gateway's own id of the message, the same on every retry */
  messageId: string;
  /** the sender's number as the gateway gives it */
  sender: string;
  text: string;
  /** the request, to find its log lines from the audit entry */
  requestId?: string;
}

export interface SmsAnswer {
  text: string;
  lang: Language;
  encoding: 'gsm' | 'ucs2';
  outcome: SmsOutcome;
}

export interface SmsDeps extends IngestDeps {
  /** undefined when PHONE_HASH_SECRET is not set: every sender is unknown */
  phones: PhoneRegistry | undefined;
  audit: AuditLog;
  defaultCountryCode: string;
}

/** The report an SMS asks for, with its id and the server's time. */
function reportOf(request: SmsRequest, id: string, siteId: string, observedAt: string): Report {
  switch (request.kind) {
    case 'arrivals':
      return {
        id,
        siteId,
        observedAt,
        kind: 'arrivals',
        arrivals: request.arrivals,
        periodMinutes: request.periodMinutes,
        ...(request.destinations.length ? { destinations: request.destinations } : {}),
      };
    case 'occupancy':
      return { id, siteId, observedAt, kind: 'occupancy', occupancy: request.occupancy };
    case 'health':
      return { id, siteId, observedAt, kind: 'health', status: request.status, ...(request.note ? { note: request.note } : {}) };
  }
}

/** A stored report with this id at this site, in this world: what a gateway's retry finds. */
async function storedWithId(deps: SmsDeps, world: World, siteId: string, id: string, lookbackMs = RETRY_LOOKBACK_MS): Promise<StoredReport | undefined> {
  const now = deps.clock.now();
  for await (const report of deps.store.reports.query({ world, siteIds: [siteId], fromMs: now - lookbackMs, toMs: now + HOUR_MS })) {
    if (report.id === id) return report;
  }
  return undefined;
}

/** Handles one inbound SMS and says what to answer. Throws only when the store fails (the gateway retries). */
export async function handleSms(sms: InboundSms, deps: SmsDeps): Promise<SmsAnswer> {
  const outcome = await decide(sms, deps);
  const lang = outcome.lang;
  const text = smsReplyText(outcome.outcome, lang);
  return { text, lang, encoding: smsSize(text).encoding, outcome: outcome.outcome };
}

async function decide(sms: InboundSms, deps: SmsDeps): Promise<{ lang: Language; outcome: SmsOutcome }> {
  const parsed = parseSms(sms.text);
  const lang = parsed.lang;
  const e164 = senderE164(sms.sender, deps.defaultCountryCode);
  const principal: Principal | undefined = e164 && deps.phones ? await deps.phones.principalOf(e164) : undefined;
  // An unknown number learns nothing about sites or syntax: a short refusal, in its own language.
  if (!e164 || !principal) return { lang: languageOfText(sms.text), outcome: { type: 'not_registered' } };
  if (!parsed.ok) {
    return { lang, outcome: { type: 'problem', problem: parsed.problem, ...(parsed.kind ? { kind: parsed.kind } : {}), ...(parsed.code ? { code: parsed.code } : {}) } };
  }
  const { request } = parsed;
  const own = deps.live.sites().filter((s) => !s.closedAt && mayReportFor(principal, s.id));
  const yourCodes = own.map((s) => s.code ?? s.id);
  const site = siteForCode(deps.live.sites(), request.code);
  if (!site) return { lang, outcome: { type: 'unknown_site', code: request.code, yourCodes } };
  const code = site.code ?? site.id;
  if (!mayReportFor(principal, site.id)) return { lang, outcome: { type: 'not_your_site', code, yourCodes } };
  // Told apart from other refusals: the lead should stop sending, not fix the message.
  if (site.closedAt) return { lang, outcome: { type: 'site_closed', code } };
  if (REPORT_KIND_FOR_SITE[site.kind] !== request.kind) return { lang, outcome: { type: 'wrong_kind', code, siteKind: site.kind } };

  const world: World = principal.exercise ? 'exercise' : 'real';
  // Name-based: the gateway's retry of this message from this sender is this report again.
  const id = uuidv5(`${sms.gateway}\n${sms.messageId}\n${e164}`, SMS_REPORT_NAMESPACE);
  const storedAs = (stored: StoredReport): SmsOutcome => ({ type: 'stored', code, request, reportId: stored.id, receivedAt: stored.receivedAt });
  const earlier = await storedWithId(deps, world, site.id, id);
  if (earlier) return { lang, outcome: storedAs(earlier) };

  const now = deps.clock.now();
  const report = reportOf(request, id, site.id, isoSeconds(now));
  let overlapsAt: string | undefined;
  if (report.kind === 'arrivals') {
    const overlaps = await storedOverlaps(deps.store, world, report, SAME_COUNT_LOOKUP);
    // The same count again, unconfirmed: most likely a resend. Ask; store nothing.
    const same = request.confirm ? undefined : overlaps.find((o) => isSameCount(report, o));
    if (same) return { lang, outcome: { type: 'same_again', code, request, earlier: { reportId: same.id, receivedAt: same.receivedAt } } };
    overlapsAt = overlaps[0]?.observedAt;
  }

  let accepted: boolean;
  try {
    accepted = (await ingestReports([report], principal, deps)).accepted.length > 0;
  } catch (err) {
    if (err instanceof ReportConflictError) {
      // Two deliveries of one message at once, stamped a second apart: the other one stored it.
      const other = await storedWithId(deps, world, site.id, id, LATE_RETRY_LOOKBACK_MS);
      if (other) return { lang, outcome: storedAs(other) };
    }
    if (err instanceof ReportRejected) {
      const field = err.problems[0]?.field;
      return { lang, outcome: { type: 'problem', kind: request.kind, code, problem: { code: field === 'siteId' ? 'site' : 'unexpected', token: field ?? '' } } };
    }
    throw err;
  }
  if (accepted) {
    await deps.audit.record(principal, {
      action: 'reports.post',
      ...(sms.requestId ? { requestId: sms.requestId } : {}),
      details: { accepted: 1, duplicate: 0, ids: [id], via: 'sms', gateway: sms.gateway },
    });
  }
  return {
    lang,
    outcome: { type: 'stored', code, request, reportId: id, receivedAt: isoSeconds(now), ...(overlapsAt ? { overlapsAt } : {}) },
  };
}
