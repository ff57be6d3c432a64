// Alerts as OASIS CAP 1.2 messages in an Atom feed: pure builders, one `info` per language.
import { alertNames, alertSentence, alertSentenceKey, alertWording, type AlertKey } from './alertWording.ts';
import { LANGUAGES, type Language } from './language.ts';
import type { Alert, AlertRule, Governorate, Site } from './schemas.ts';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
/** The Atom content type that says "this entry's content is a CAP message, inline". */
export const CAP_MEDIA_TYPE = 'application/cap+xml';

/** One <info> per language of the dashboard, in the words its screens use (shared/alertWording.ts). */
export type CapLanguage = Language;
export const CAP_LANGUAGES: readonly CapLanguage[] = LANGUAGES;

export type CapStatus = 'Actual' | 'Exercise';
export type CapMsgType = 'Alert' | 'Update' | 'Cancel';
export type CapCategory = 'Safety' | 'Health' | 'Infra';
export type CapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past';
export type CapSeverity = 'Severe' | 'Moderate';
export type CapCertainty = 'Observed' | 'Likely';
export type CapResponseType = 'Prepare' | 'Monitor' | 'AllClear';

/** The geocode name under which the governorate's OCHA COD-AB p-code travels. */
export const PCODE_VALUE_NAME = 'OCHA_PCODE';

/**
 * Restricted, not Public: the feed names camps and counts of displaced persons, which partners use
 * to coordinate but which must not be broadcast (protection risk). CAP requires the reason.
 */
export const CAP_SCOPE = 'Restricted';
export const CAP_RESTRICTION =
  'For humanitarian coordination partners holding an Amina token; protection-sensitive, not for public broadcast.';

export interface CapParameter {
  valueName: string;
  value: string;
}

export interface CapArea {
  areaDesc: string;
  /** "lat,lon lat,lon …", closed, WGS 84: the governorate's outline where no circle places the alert */
  polygons: readonly string[];
  /** "lat,lon radius-km", WGS 84 */
  circle?: string;
  geocode: CapParameter;
}

export interface CapInfo {
  language: CapLanguage;
  category: CapCategory[];
  event: string;
  responseType: CapResponseType;
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  effective: string;
  expires: string;
  senderName: string;
  headline: string;
  description: string;
  instruction: string;
  /** the dashboard page for the alert's governorate */
  web: string;
  contact: string;
  parameter: CapParameter[];
  area: CapArea;
}

export interface CapMessage {
  identifier: string;
  sender: string;
  sent: string;
  status: CapStatus;
  msgType: CapMsgType;
  scope: typeof CAP_SCOPE;
  restriction: string;
  note?: string;
  /** "sender,identifier,sent" of the message this one follows up */
  references?: string;
  info: CapInfo[];
}

/** An instant to the whole second in UTC, "2026-11-28T14:05:00Z"; throws on a non-instant. */
function utcSeconds(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${iso}`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * CAP's dateTime: "2002-05-24T16:49:00-07:00", no fractions of a second. CAP 1.2 (3.3.2) says
 * "Alphabetic timezone designators such as 'Z' MUST NOT be used. The timezone for UTC MUST be
 * represented as '-00:00'", so UTC instants end in "-00:00".
 */
export function capDate(iso: string): string {
  return utcSeconds(iso).replace(/Z$/, '-00:00');
}

/** "20261128T140500Z": an instant squeezed into an identifier. */
function compactStamp(iso: string): string {
  return utcSeconds(iso).replace(/[-:]/g, '');
}

/**
 * A message identifier per version of an alert: the alert's id, the time of the version, and for a
 * later version its number, since two versions can fall in one second. CAP forbids spaces, commas,
 * "<" and "&" in it; ids and stamps have none.
 */
export function capIdentifier(alertId: string, versionIso: string, version = 0): string {
  return `amina-${alertId}-${compactStamp(versionIso)}${version > 0 ? `-${version}` : ''}`;
}

/**
 * Which message a version of an alert is: the first, a change, or the end. An acknowledgement is an
 * Update (CAP's Ack acknowledges receipt of a message and carries no new values; ours do), with the
 * acknowledgement in the description and in parameters.
 */
export function capMsgType(alert: Alert, earlierVersions?: readonly string[]): CapMsgType {
  if (alert.state === 'resolved') return 'Cancel';
  // without the history, a version published at the moment of raising is taken for the first
  if (earlierVersions === undefined) return alert.updatedAt === alert.raisedAt ? 'Alert' : 'Update';
  return earlierVersions.length === 0 ? 'Alert' : 'Update';
}

/**
 * How long a message stays true without a newer one, by rule: about two of the rule's windows or
 * reporting intervals, so that a message nobody updates lapses instead of standing for ever. Every
 * change of the alert publishes a new message with a new expiry; a Cancel expires when resolved
 * alerts leave the feed (CANCEL_HOURS).
 */
export const CAP_EXPIRES_HOURS: Record<AlertRule, number> = {
  // arrivals in one hour
  checkpoint_surge: 2,
  // arrivals in 24 hours
  governorate_influx: 24,
  // shelters report once or twice a day
  shelter_capacity: 24,
  health_post_down: 24,
  // re-evaluated every hour while the site stays silent
  site_silent: 12,
  // a projection, recomputed with every report
  capacity_exhaustion: 12,
  // persons expected within 24 hours: the window the expectation looks ahead
  onward_influx: 24,
};
/** A resolved alert stays in the feed, as a Cancel, this long. */
export const CANCEL_HOURS = 24;

const CATEGORY: Record<AlertRule, CapCategory[]> = {
  checkpoint_surge: ['Safety'],
  governorate_influx: ['Safety'],
  shelter_capacity: ['Safety', 'Infra'],
  health_post_down: ['Health'],
  // a site that falls silent is most often a communications failure
  site_silent: ['Infra'],
  capacity_exhaustion: ['Safety', 'Infra'],
  onward_influx: ['Safety'],
};

function urgencyOf(alert: Alert): CapUrgency {
  if (alert.state === 'resolved') return 'Past';
  const critical = alert.severity === 'critical';
  switch (alert.rule) {
    case 'site_silent':
      return 'Expected';
    // a projection hours ahead: action soon (critical, under 12 h) or in the near future;
    // likewise persons on their way: expected within hours, not yet there
    case 'capacity_exhaustion':
    case 'onward_influx':
      return critical ? 'Expected' : 'Future';
    default:
      return critical ? 'Immediate' : 'Expected';
  }
}

/** Circle radius in km by how far a site's point can be trusted (see fixtures/README.md). */
const RADIUS_KM: Record<NonNullable<Site['coordinateQuality']>, number> = {
  crossing_point: 1,
  camp_gps: 1,
  representative: 1,
  secondary_unverified: 3,
  neighbour_side_village: 5,
  nearest_town: 10,
  unlocated: 10,
};

export interface CapSubject {
  /** the alert's site, when it has one and the registry knows it */
  site?: Site;
  governorate?: Governorate;
  /** true in the exercise world's feed: the message is a drill's */
  exercise: boolean;
  /** onward_influx: the alert's origin governorates, as the registry knows them */
  origins?: readonly Governorate[];
  /** the governorate's outline as CAP polygons, for an area that no circle places */
  polygons?: readonly string[];
  /** when each version before this one was published, oldest (the raise) first, from the alert history */
  earlierVersions?: readonly string[];
}

/** Who publishes the feed and where a reader finds more. */
export interface CapPublisher {
  sender: string;
  /** the dashboard's public address, without a trailing slash */
  webBase: string;
  contact: string;
}

/** The time a version of an alert was published: its change, or its resolution. */
export function capVersionAt(alert: Alert): string {
  return alert.state === 'resolved' ? (alert.resolvedAt ?? alert.updatedAt) : alert.updatedAt;
}

/** "sender,identifier,sent": how CAP names a message it refers to. */
function reference(sender: string, alertId: string, versionIso: string, version: number): string {
  return `${sender},${capIdentifier(alertId, versionIso, version)},${capDate(versionIso)}`;
}

/**
 * The message that announces this version of an alert. An Update or a Cancel refers to the first
 * message of the chain and to the latest one before it, so a reader that missed some still links
 * it to what it saw last.
 */
export function capMessage(alert: Alert, subject: CapSubject, publisher: CapPublisher): CapMessage {
  const msgType = capMsgType(alert, subject.earlierVersions);
  const versionIso = capVersionAt(alert);
  // without the history: the raise, and this version, as far as the alert itself tells
  const earlier = subject.earlierVersions ?? (msgType === 'Alert' ? [] : [alert.raisedAt]);
  const message: CapMessage = {
    identifier: capIdentifier(alert.id, versionIso, earlier.length),
    sender: publisher.sender,
    sent: capDate(versionIso),
    status: subject.exercise ? 'Exercise' : 'Actual',
    msgType,
    scope: CAP_SCOPE,
    restriction: CAP_RESTRICTION,
    info: CAP_LANGUAGES.map((language) => capInfo(alert, subject, publisher, language)),
  };
  if (subject.exercise) message.note = 'Exercise data from a preparedness drill: not a real event.';
  if (msgType !== 'Alert') {
    const chain = [reference(publisher.sender, alert.id, earlier[0] ?? alert.raisedAt, 0)];
    if (earlier.length > 1) chain.push(reference(publisher.sender, alert.id, earlier[earlier.length - 1]!, earlier.length - 1));
    message.references = chain.join(' ');
  }
  return message;
}

/** The dashboard page of the alert's governorate, in the alert's world. */
function webOf(alert: Alert, subject: CapSubject, publisher: CapPublisher): string {
  return `${publisher.webBase}/g/${alert.governorate}${subject.exercise ? '?exercise' : ''}${alert.siteId ? `#site-${alert.siteId}` : ''}`;
}

function hoursAfter(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
}

function capInfo(alert: Alert, subject: CapSubject, publisher: CapPublisher, language: CapLanguage): CapInfo {
  const { site } = subject;
  const known = [subject.governorate, ...(subject.origins ?? [])];
  const names = alertNames(alert, language, { site, governorate: (pcode) => known.find((g) => g?.pcode === pcode) });
  // the headline is the alert's sentence as its screen row and the server's message say it
  const words = (key: AlertKey, extra?: Record<string, string>) => alertWording(language, key, { facts: alert, names }, extra);
  const exercise = (text: string) => (subject.exercise ? words('cap_exercise', { text }) : text);
  const resolved = alert.state === 'resolved';
  const notes: string[] = [];
  const acknowledgement: CapParameter[] = [];
  if (alert.state === 'acknowledged' && alert.acknowledgedAt) {
    notes.push(words('cap_acknowledged', { who: alert.acknowledgedBy ?? '?', at: capDate(alert.acknowledgedAt) }));
    if (alert.note) notes.push(alert.note);
    acknowledgement.push({ valueName: 'acknowledgedAt', value: capDate(alert.acknowledgedAt) });
    if (alert.acknowledgedBy) acknowledgement.push({ valueName: 'acknowledgedBy', value: alert.acknowledgedBy });
  }
  if (resolved) notes.push(words('cap_resolved', { at: capDate(alert.resolvedAt ?? alert.updatedAt) }));

  const area: CapArea = {
    areaDesc: alert.siteId ? `${names.subject}, ${names.governorate}` : names.governorate,
    polygons: [],
    geocode: { valueName: PCODE_VALUE_NAME, value: alert.governorate },
  };
  if (site && site.lat !== null && site.lon !== null) {
    area.circle = `${site.lat},${site.lon} ${RADIUS_KM[site.coordinateQuality ?? 'crossing_point']}`;
  } else {
    // a governorate's alert, or a site no source places: the governorate's outline says where
    area.polygons = subject.polygons ?? [];
  }
  const versionIso = capVersionAt(alert);

  return {
    language,
    category: CATEGORY[alert.rule],
    event: words(`cap_event_${alert.rule}`),
    responseType: resolved ? 'AllClear' : alert.severity === 'critical' ? 'Prepare' : 'Monitor',
    urgency: urgencyOf(alert),
    severity: alert.severity === 'critical' ? 'Severe' : 'Moderate',
    // a projection, and intentions stated at a crossing: likely, not observed
    certainty: alert.rule === 'capacity_exhaustion' || alert.rule === 'onward_influx' ? 'Likely' : 'Observed',
    effective: capDate(alert.raisedAt),
    expires: capDate(hoursAfter(versionIso, resolved ? CANCEL_HOURS : CAP_EXPIRES_HOURS[alert.rule])),
    senderName: words('cap_senderName'),
    headline: exercise(alertSentence(alert, names, language)),
    description: [exercise(words(`cap_description_${alertSentenceKey(alert).slice('rule_'.length)}` as AlertKey)), ...notes].join(' '),
    instruction: resolved ? words('cap_allClear') : words(`cap_instruction_${alert.rule}`),
    web: webOf(alert, subject, publisher),
    contact: publisher.contact,
    parameter: [
      { valueName: 'rule', value: alert.rule },
      { valueName: 'alertId', value: alert.id },
      { valueName: 'value', value: String(alert.value) },
      { valueName: 'threshold', value: String(alert.threshold) },
      ...(alert.siteId ? [{ valueName: 'siteId', value: alert.siteId }] : []),
      ...(alert.origins?.length ? [{ valueName: 'origins', value: alert.origins.join(' ') }] : []),
      ...acknowledgement,
    ],
    area,
  };
}

// ---- XML ----------------------------------------------------------------------------------

/** Characters XML 1.0 cannot carry at all (controls other than tab, newline, return). */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, text: string, indent: string): string {
  return `${indent}<${name}>${xmlEscape(text)}</${name}>\n`;
}

function parameterXml(name: string, p: CapParameter, indent: string): string {
  return `${indent}<${name}>\n${element('valueName', p.valueName, indent + '  ')}${element('value', p.value, indent + '  ')}${indent}</${name}>\n`;
}

/** One CAP <alert> element, in the element order CAP 1.2's schema prescribes. */
export function capAlertXml(message: CapMessage, indent = ''): string {
  const i1 = indent + '  ';
  const i2 = i1 + '  ';
  const i3 = i2 + '  ';
  let xml = `${indent}<alert xmlns="${CAP_NAMESPACE}">\n`;
  xml += element('identifier', message.identifier, i1);
  xml += element('sender', message.sender, i1);
  xml += element('sent', message.sent, i1);
  xml += element('status', message.status, i1);
  xml += element('msgType', message.msgType, i1);
  xml += element('scope', message.scope, i1);
  xml += element('restriction', message.restriction, i1);
  if (message.note) xml += element('note', message.note, i1);
  if (message.references) xml += element('references', message.references, i1);
  for (const info of message.info) {
    xml += `${i1}<info>\n`;
    xml += element('language', info.language, i2);
    for (const c of info.category) xml += element('category', c, i2);
    xml += element('event', info.event, i2);
    xml += element('responseType', info.responseType, i2);
    xml += element('urgency', info.urgency, i2);
    xml += element('severity', info.severity, i2);
    xml += element('certainty', info.certainty, i2);
    xml += element('effective', info.effective, i2);
    xml += element('expires', info.expires, i2);
    xml += element('senderName', info.senderName, i2);
    xml += element('headline', info.headline, i2);
    xml += element('description', info.description, i2);
    xml += element('instruction', info.instruction, i2);
    xml += element('web', info.web, i2);
    xml += element('contact', info.contact, i2);
    for (const p of info.parameter) xml += parameterXml('parameter', p, i2);
    xml += `${i2}<area>\n`;
    xml += element('areaDesc', info.area.areaDesc, i3);
    for (const polygon of info.area.polygons) xml += element('polygon', polygon, i3);
    if (info.area.circle) xml += element('circle', info.area.circle, i3);
    xml += parameterXml('geocode', info.area.geocode, i3);
    xml += `${i2}</area>\n`;
    xml += `${i1}</info>\n`;
  }
  xml += `${indent}</alert>\n`;
  return xml;
}

export interface CapFeed {
  /** the feed's own address: its Atom id and self link */
  selfUrl: string;
  /** when the feed last changed, any ISO instant */
  updated: string;
  messages: readonly CapMessage[];
}

/** An Atom feed with one entry per CAP message, the message inline as the entry's content. */
export function capAtomFeed(feed: CapFeed): string {
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n';
  xml += `<feed xmlns="${ATOM_NAMESPACE}">\n`;
  xml += element('id', feed.selfUrl, '  ');
  xml += element('title', 'Amina alerts (OASIS CAP 1.2)', '  ');
  // Atom dates are RFC 3339, where "Z" is the usual form for UTC (CAP's "-00:00" means "offset unknown" there)
  xml += element('updated', utcSeconds(feed.updated), '  ');
  xml += `  <author>\n${element('name', 'Amina', '    ')}  </author>\n`;
  xml += `  <link rel="self" type="application/atom+xml" href="${xmlEscape(feed.selfUrl)}"/>\n`;
  for (const message of feed.messages) {
    const english = message.info.find((i) => i.language === 'en') ?? message.info[0];
    xml += '  <entry>\n';
    xml += element('id', `${feed.selfUrl}#${message.identifier}`, '    ');
    xml += element('title', `${message.msgType}: ${english?.headline ?? message.identifier}`, '    ');
    xml += element('updated', utcSeconds(message.sent), '    ');
    xml += `    <content type="${CAP_MEDIA_TYPE}">\n`;
    xml += capAlertXml(message, '      ');
    xml += '    </content>\n';
    xml += '  </entry>\n';
  }
  xml += '</feed>\n';
  return xml;
}
