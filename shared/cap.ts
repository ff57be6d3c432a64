// Alerts as OASIS CAP 1.2 messages in an Atom feed: pure builders, one `info` per language.
import type { Alert, AlertRule, Governorate, Site } from './schemas.ts';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
/** The Atom content type that says "this entry's content is a CAP message, inline". */
export const CAP_MEDIA_TYPE = 'application/cap+xml';

export type CapLanguage = 'en' | 'ar' | 'ckb';
export const CAP_LANGUAGES: readonly CapLanguage[] = ['en', 'ar', 'ckb'];

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

/** Per-language text pieces: an event name and how to phrase a headline and description. */
interface Phrases {
  senderName: string;
  event: Record<AlertRule, string>;
  headline(alert: Alert, n: Names): string;
  description(alert: Alert, n: Names): string;
  /** what the watch officer receiving the alert should do, by rule */
  instruction: Record<AlertRule, string>;
  /** the instruction of a Cancel */
  allClear: string;
  exercisePrefix: string;
  acknowledged(by: string, at: string): string;
  resolved(at: string): string;
}

/** Names of the alert's subject in one language. */
interface Names {
  site: string;
  governorate: string;
  capacity: string;
  percent: string;
  /** onward_influx: the origin governorates, in the language's list form */
  origins: string;
}

const count = (n: number) => n.toLocaleString('en-US');
/** How each language joins the names in a list of governorates. */
const LIST_SEPARATOR: Record<CapLanguage, string> = { en: ', ', ar: '، ', ckb: '، ' };
const hours = (n: number) => String(Math.round(n * 10) / 10);

// Arabic and Kurdish (Sorani) wording needs a native speaker's review before official use.
const PHRASES: Record<CapLanguage, Phrases> = {
  en: {
    senderName: 'Amina situation dashboard',
    event: {
      checkpoint_surge: 'Mass arrivals at a crossing',
      governorate_influx: 'Influx into a governorate',
      shelter_capacity: 'Shelter near or over capacity',
      health_post_down: 'Health post limited or closed',
      site_silent: 'Site not reporting',
      capacity_exhaustion: 'Shelters projected to fill',
      onward_influx: 'Arrivals expected from other governorates',
    },
    headline(a, n) {
      switch (a.rule) {
        case 'checkpoint_surge':
          return `${n.site}: ${count(a.value)} arrivals in the last hour`;
        case 'governorate_influx':
          return `${n.governorate}: ${count(a.value)} arrivals in 24 hours`;
        case 'shelter_capacity':
          return `${n.site}: ${count(a.value)} persons sheltered (${n.percent}% of capacity)`;
        case 'health_post_down':
          return `${n.site}: health post ${a.value >= 2 ? 'closed' : 'working with limits'}`;
        case 'site_silent':
          return `${n.site}: no report for ${hours(a.value)} hours`;
        case 'capacity_exhaustion':
          // 0 h: already full with arrivals still flowing in (docs/forecast.md)
          if (a.value === 0) return `${a.siteId ? n.site : n.governorate}: shelters full, arrivals continue`;
          return `${a.siteId ? n.site : n.governorate}: shelters projected full in ${hours(a.value)} hours`;
        case 'onward_influx':
          return `${n.governorate}: about ${count(a.value)} persons expected within 24 hours from ${n.origins}`;
      }
    },
    description(a, n) {
      switch (a.rule) {
        case 'checkpoint_surge':
          return `${count(a.value)} persons arrived at ${n.site} (${n.governorate}) in the last hour, at or above the threshold of ${count(a.threshold)}.`;
        case 'governorate_influx':
          return `${count(a.value)} persons arrived in ${n.governorate} in the last 24 hours, at or above the threshold of ${count(a.threshold)}.`;
        case 'shelter_capacity':
          return `${n.site} (${n.governorate}) shelters ${count(a.value)} persons against a capacity of ${n.capacity}; the threshold is ${count(a.threshold)}.`;
        case 'health_post_down':
          return `The health post ${n.site} (${n.governorate}) reports that it is ${a.value >= 2 ? 'closed' : 'working with limits'}.`;
        case 'site_silent':
          return `${n.site} (${n.governorate}) has sent no report for ${hours(a.value)} hours; one was expected within ${hours(a.threshold)} hours.`;
        case 'capacity_exhaustion':
          if (a.value === 0) return `The shelters of ${a.siteId ? n.site : n.governorate} are full and arrivals continue: new arrivals have no place.`;
          return `At the current inflow, the shelters of ${a.siteId ? n.site : n.governorate} are projected to be full in ${hours(a.value)} hours (threshold ${hours(a.threshold)} hours).`;
        case 'onward_influx':
          return `About ${count(a.value)} persons who crossed at checkpoints in ${n.origins} and said they are heading to ${n.governorate} are expected there within 24 hours, at or above the threshold of ${count(a.threshold)}. Intentions stated at a crossing are an indication, not a count of arrivals.`;
      }
    },
    instruction: {
      checkpoint_surge: 'Send reception staff, water and health screening to the crossing, and tell the governorate the arrivals are heading for.',
      governorate_influx: "Open reserve shelter places and alert the governorate's health and relief teams.",
      shelter_capacity: 'Direct new arrivals to shelters with room, and prepare more places.',
      health_post_down: "Send a mobile medical team, and restore the post's supplies or staff.",
      site_silent: "Call the site's lead to check the link: its figures may be out of date.",
      capacity_exhaustion: 'Open new shelter places before the projected time, or plan onward transport.',
      onward_influx: 'Prepare reception, shelter places and health teams for the arrivals, and stay in touch with the origin governorates.',
    },
    allClear: 'No action needed: the condition has cleared.',
    exercisePrefix: 'EXERCISE: ',
    acknowledged: (by, at) => `Acknowledged by ${by} at ${at}.`,
    resolved: (at) => `Resolved at ${at}: the condition has cleared.`,
  },
  ar: {
    senderName: 'لوحة أمينة للوضع الإنساني',
    event: {
      checkpoint_surge: 'تدفق كبير للوافدين عبر منفذ',
      governorate_influx: 'تدفق وافدين إلى محافظة',
      shelter_capacity: 'مخيم قارب طاقته الاستيعابية أو تجاوزها',
      health_post_down: 'نقطة صحية تعمل بشكل محدود أو مغلقة',
      site_silent: 'موقع متوقف عن الإبلاغ',
      capacity_exhaustion: 'توقع امتلاء المخيمات',
      onward_influx: 'وافدون متوقعون من محافظات أخرى',
    },
    headline(a, n) {
      switch (a.rule) {
        case 'checkpoint_surge':
          return `${n.site}: ${count(a.value)} وافد خلال الساعة الأخيرة`;
        case 'governorate_influx':
          return `${n.governorate}: ${count(a.value)} وافد خلال 24 ساعة`;
        case 'shelter_capacity':
          return `${n.site}: ${count(a.value)} شخص في المأوى (${n.percent}٪ من الطاقة الاستيعابية)`;
        case 'health_post_down':
          return `${n.site}: النقطة الصحية ${a.value >= 2 ? 'مغلقة' : 'تعمل بشكل محدود'}`;
        case 'site_silent':
          return `${n.site}: لا تقارير منذ ${hours(a.value)} ساعة`;
        case 'capacity_exhaustion':
          if (a.value === 0) return `${a.siteId ? n.site : n.governorate}: المخيمات ممتلئة ولا يزال الوافدون يصلون`;
          return `${a.siteId ? n.site : n.governorate}: يُتوقع امتلاء المخيمات خلال ${hours(a.value)} ساعة`;
        case 'onward_influx':
          return `${n.governorate}: يُتوقع وصول نحو ${count(a.value)} شخص خلال 24 ساعة من ${n.origins}`;
      }
    },
    description(a, n) {
      switch (a.rule) {
        case 'checkpoint_surge':
          return `وصل ${count(a.value)} شخص إلى ${n.site} (${n.governorate}) خلال الساعة الأخيرة، وهو ما يبلغ العتبة ${count(a.threshold)} أو يتجاوزها.`;
        case 'governorate_influx':
          return `وصل ${count(a.value)} شخص إلى محافظة ${n.governorate} خلال الساعات الأربع والعشرين الأخيرة، وهو ما يبلغ العتبة ${count(a.threshold)} أو يتجاوزها.`;
        case 'shelter_capacity':
          return `يؤوي ${n.site} (${n.governorate}) ${count(a.value)} شخص من أصل طاقة استيعابية قدرها ${n.capacity}؛ العتبة ${count(a.threshold)}.`;
        case 'health_post_down':
          return `أفادت النقطة الصحية ${n.site} (${n.governorate}) بأنها ${a.value >= 2 ? 'مغلقة' : 'تعمل بشكل محدود'}.`;
        case 'site_silent':
          return `لم يرسل ${n.site} (${n.governorate}) أي تقرير منذ ${hours(a.value)} ساعة، وكان التقرير متوقعاً خلال ${hours(a.threshold)} ساعة.`;
        case 'capacity_exhaustion':
          if (a.value === 0) return `مخيمات ${a.siteId ? n.site : n.governorate} ممتلئة ولا يزال الوافدون يصلون، فلا مكان للقادمين الجدد.`;
          return `بحسب معدل التدفق الحالي، يُتوقع امتلاء مخيمات ${a.siteId ? n.site : n.governorate} خلال ${hours(a.value)} ساعة (العتبة ${hours(a.threshold)} ساعة).`;
        case 'onward_influx':
          return `يُتوقع أن يصل خلال 24 ساعة نحو ${count(a.value)} شخص عبروا منافذ في ${n.origins} وقالوا إنهم متجهون إلى ${n.governorate}، وهو ما يبلغ العتبة ${count(a.threshold)} أو يتجاوزها. النوايا المعلنة عند المنفذ مؤشر وليست عدّاً للوافدين.`;
      }
    },
    instruction: {
      checkpoint_surge: 'أرسلوا فرق الاستقبال والمياه والفحص الصحي إلى المنفذ، وأبلغوا المحافظة التي يتجه إليها الوافدون.',
      governorate_influx: 'افتحوا أماكن الإيواء الاحتياطية، ونبّهوا فرق الصحة والإغاثة في المحافظة.',
      shelter_capacity: 'وجّهوا الوافدين الجدد إلى المخيمات التي فيها أماكن شاغرة، وجهّزوا أماكن إضافية.',
      health_post_down: 'أرسلوا فريقاً طبياً متنقلاً، وأعيدوا تزويد النقطة بالمستلزمات أو الكوادر.',
      site_silent: 'اتصلوا بمسؤول الموقع للتحقق من الاتصال: قد تكون أرقامه قديمة.',
      capacity_exhaustion: 'افتحوا أماكن إيواء جديدة قبل الموعد المتوقع، أو خطّطوا لنقل الوافدين إلى أماكن أخرى.',
      onward_influx: 'جهّزوا الاستقبال وأماكن الإيواء والفرق الصحية للوافدين، وابقوا على تواصل مع محافظات المصدر.',
    },
    allClear: 'لا حاجة إلى أي إجراء: زالت الحالة.',
    exercisePrefix: 'تمرين: ',
    acknowledged: (by, at) => `اطّلع عليه ${by} في ${at}.`,
    resolved: (at) => `انتهى في ${at}: زالت الحالة.`,
  },
  ckb: {
    senderName: 'داشبۆردی ئامینە',
    event: {
      checkpoint_surge: 'هاتنی ژمارەیەکی زۆر لە دەروازەیەک',
      governorate_influx: 'هاتنی ژمارەیەکی زۆر بۆ پارێزگایەک',
      shelter_capacity: 'کەمپێک نزیکی پڕبوونە یان پڕ بووە',
      health_post_down: 'بنکەی تەندروستی بە سنووردار کار دەکات یان داخراوە',
      site_silent: 'شوێنێک ڕاپۆرت نانێرێت',
      capacity_exhaustion: 'پێشبینی پڕبوونی کەمپەکان',
      onward_influx: 'هاتنی چاوەڕوانکراو لە پارێزگاکانی ترەوە',
    },
    headline(a, n) {
      switch (a.rule) {
        case 'checkpoint_surge':
          return `${n.site}: ${count(a.value)} کەس لە کاتژمێری ڕابردوودا گەیشتن`;
        case 'governorate_influx':
          return `${n.governorate}: ${count(a.value)} کەس لە 24 کاتژمێردا گەیشتن`;
        case 'shelter_capacity':
          return `${n.site}: ${count(a.value)} کەس پەناگیرن (${n.percent}%ی توانا)`;
        case 'health_post_down':
          return `${n.site}: بنکەی تەندروستی ${a.value >= 2 ? 'داخراوە' : 'بە سنووردار کار دەکات'}`;
        case 'site_silent':
          return `${n.site}: ${hours(a.value)} کاتژمێرە هیچ ڕاپۆرتێک نەهاتووە`;
        case 'capacity_exhaustion':
          if (a.value === 0) return `${a.siteId ? n.site : n.governorate}: کەمپەکان پڕن و هاتن بەردەوامە`;
          return `${a.siteId ? n.site : n.governorate}: پێشبینی دەکرێت کەمپەکان لە ماوەی ${hours(a.value)} کاتژمێردا پڕ ببن`;
        case 'onward_influx':
          return `${n.governorate}: چاوەڕوان دەکرێت نزیکەی ${count(a.value)} کەس لە ماوەی 24 کاتژمێردا لە ${n.origins}ەوە بگەن`;
      }
    },
    description(a, n) {
      switch (a.rule) {
        case 'checkpoint_surge':
          return `${count(a.value)} کەس لە کاتژمێری ڕابردوودا گەیشتنە ${n.site} (${n.governorate})، کە دەگاتە سنووری ${count(a.threshold)} یان لێی زیاترە.`;
        case 'governorate_influx':
          return `${count(a.value)} کەس لە 24 کاتژمێری ڕابردوودا گەیشتنە پارێزگای ${n.governorate}، کە دەگاتە سنووری ${count(a.threshold)} یان لێی زیاترە.`;
        case 'shelter_capacity':
          return `${n.site} (${n.governorate}) ${count(a.value)} کەسی تێدایە لە کۆی توانای ${n.capacity}؛ سنوور ${count(a.threshold)}ە.`;
        case 'health_post_down':
          return `بنکەی تەندروستی ${n.site} (${n.governorate}) ڕایگەیاندووە کە ${a.value >= 2 ? 'داخراوە' : 'بە سنووردار کار دەکات'}.`;
        case 'site_silent':
          return `${n.site} (${n.governorate}) ${hours(a.value)} کاتژمێرە هیچ ڕاپۆرتێکی نەناردووە؛ چاوەڕوان دەکرا لە ماوەی ${hours(a.threshold)} کاتژمێردا ڕاپۆرت بنێرێت.`;
        case 'capacity_exhaustion':
          if (a.value === 0) return `کەمپەکانی ${a.siteId ? n.site : n.governorate} پڕن و هاتن بەردەوامە؛ شوێن بۆ تازەهاتووان نییە.`;
          return `بەپێی ڕێژەی هاتنی ئێستا، پێشبینی دەکرێت کەمپەکانی ${a.siteId ? n.site : n.governorate} لە ماوەی ${hours(a.value)} کاتژمێردا پڕ ببن (سنوور ${hours(a.threshold)} کاتژمێر).`;
        case 'onward_influx':
          return `چاوەڕوان دەکرێت نزیکەی ${count(a.value)} کەس کە لە خاڵەکانی ${n.origins} تێپەڕین و گوتیان بەرەو ${n.governorate} دەچن، لە ماوەی 24 کاتژمێردا بگەن، کە دەگاتە سنووری ${count(a.threshold)} یان لێی زیاترە. مەبەستی ڕاگەیەندراو لە خاڵی سنووری تەنها ئاماژەیە، نەک ژماردنی گەیشتووان.`;
      }
    },
    instruction: {
      checkpoint_surge: 'تیمی پێشوازی، ئاو و پشکنینی تەندروستی بنێرن بۆ خاڵی سنووری، و ئەو پارێزگایە ئاگادار بکەنەوە کە هاتووان بەرەو ئەوێ دەچن.',
      governorate_influx: 'شوێنی حەوانەوەی یەدەگ بکەنەوە، و تیمەکانی تەندروستی و فریاکەوتنی پارێزگا ئاگادار بکەنەوە.',
      shelter_capacity: 'هاتووە نوێیەکان بەرەو ئەو کەمپانە ڕێنمایی بکەن کە شوێنیان تێدایە، و شوێنی زیاتر ئامادە بکەن.',
      health_post_down: 'تیمێکی پزیشکی گەڕۆک بنێرن، و پێداویستی یان ستافی خاڵەکە بگەڕێننەوە.',
      site_silent: 'پەیوەندی بە بەرپرسی شوێنەکەوە بکەن بۆ پشکنینی پەیوەندییەکە: لەوانەیە ژمارەکانی کۆن بن.',
      capacity_exhaustion: 'پێش کاتی پێشبینیکراو شوێنی حەوانەوەی نوێ بکەنەوە، یان گواستنەوەی هاتووان بۆ شوێنی تر پلان بکەن.',
      onward_influx: 'پێشوازی، شوێنی حەوانەوە و تیمی تەندروستی بۆ هاتووان ئامادە بکەن، و لە پەیوەندیدا بن لەگەڵ پارێزگاکانی سەرچاوە.',
    },
    allClear: 'پێویست بە هیچ کارێک ناکات: بارودۆخەکە نەما.',
    exercisePrefix: 'ڕاهێنان: ',
    acknowledged: (by, at) => `لەلایەن ${by} لە ${at} بینرا.`,
    resolved: (at) => `لە ${at} کۆتایی هات: بارودۆخەکە نەما.`,
  },
};

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

function siteName(site: Site | undefined, language: CapLanguage, fallback: string): string {
  if (!site) return fallback;
  if (language === 'ar') return site.nameAr;
  if (language === 'ckb') return site.nameCkb ?? site.nameAr;
  return site.nameEn;
}

function governorateName(governorate: Governorate | undefined, language: CapLanguage, fallback: string): string {
  if (!governorate) return fallback;
  return language === 'ar' ? governorate.nameAr : language === 'ckb' ? governorate.nameCkb : governorate.nameEn;
}

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
  const phrases = PHRASES[language];
  const { site, governorate } = subject;
  const capacity = site?.capacity;
  const names: Names = {
    site: siteName(site, language, alert.siteId ?? alert.governorate),
    governorate: governorateName(governorate, language, alert.governorate),
    capacity: capacity ? count(capacity) : '?',
    percent: capacity ? String(Math.round((alert.value / capacity) * 100)) : '?',
    origins: (subject.origins ?? []).map((g) => governorateName(g, language, g.pcode)).join(LIST_SEPARATOR[language]) || '?',
  };
  const resolved = alert.state === 'resolved';
  const notes: string[] = [];
  const acknowledgement: CapParameter[] = [];
  if (alert.state === 'acknowledged' && alert.acknowledgedAt) {
    notes.push(phrases.acknowledged(alert.acknowledgedBy ?? '?', capDate(alert.acknowledgedAt)));
    if (alert.note) notes.push(alert.note);
    acknowledgement.push({ valueName: 'acknowledgedAt', value: capDate(alert.acknowledgedAt) });
    if (alert.acknowledgedBy) acknowledgement.push({ valueName: 'acknowledgedBy', value: alert.acknowledgedBy });
  }
  if (resolved) notes.push(phrases.resolved(capDate(alert.resolvedAt ?? alert.updatedAt)));
  const prefix = subject.exercise ? phrases.exercisePrefix : '';

  const area: CapArea = {
    areaDesc: alert.siteId ? `${names.site}, ${names.governorate}` : names.governorate,
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
    event: phrases.event[alert.rule],
    responseType: resolved ? 'AllClear' : alert.severity === 'critical' ? 'Prepare' : 'Monitor',
    urgency: urgencyOf(alert),
    severity: alert.severity === 'critical' ? 'Severe' : 'Moderate',
    // a projection, and intentions stated at a crossing: likely, not observed
    certainty: alert.rule === 'capacity_exhaustion' || alert.rule === 'onward_influx' ? 'Likely' : 'Observed',
    effective: capDate(alert.raisedAt),
    expires: capDate(hoursAfter(versionIso, resolved ? CANCEL_HOURS : CAP_EXPIRES_HOURS[alert.rule])),
    senderName: phrases.senderName,
    headline: prefix + phrases.headline(alert, names),
    description: [prefix + phrases.description(alert, names), ...notes].join(' '),
    instruction: resolved ? phrases.allClear : phrases.instruction[alert.rule],
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
