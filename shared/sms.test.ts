// The SMS syntax, table-driven: what leads type on a keypad, typos and all, and what they get back.
import { describe, expect, it } from 'vitest';
import {
  asciiDigits,
  DEFAULT_PERIOD_MINUTES,
  fitsOneSegment,
  languageOfText,
  parseSms,
  shortRef,
  siteForCode,
  smsExample,
  smsReplyText,
  smsSize,
  type SmsOutcome,
  type SmsParsed,
  type SmsRequest,
} from './sms.ts';
import { LANGUAGES } from './language.ts';

const RLM = '\u200f';
const LRM = '\u200e';
const ALM = '\u061c';

type Expected = { lang: SmsParsed['lang']; request: Partial<SmsRequest> };

const ACCEPTED: [string, Expected][] = [
  // English
  ['A IK 250 1h', { lang: 'en', request: { kind: 'arrivals', code: 'IK', arrivals: 250, periodMinutes: 60, periodGiven: true, destinations: [] } }],
  ['a ik 250 1H', { lang: 'en', request: { kind: 'arrivals', code: 'IK', arrivals: 250, periodMinutes: 60 } }],
  ['  A   IK\t250    30m  ', { lang: 'en', request: { kind: 'arrivals', arrivals: 250, periodMinutes: 30 } }],
  ['A IK 1h 250', { lang: 'en', request: { arrivals: 250, periodMinutes: 60 } }],
  ['A IK 250 1 h', { lang: 'en', request: { arrivals: 250, periodMinutes: 60 } }],
  ['A IK 250 90 min', { lang: 'en', request: { arrivals: 250, periodMinutes: 90 } }],
  ['A IK 250 1.5h', { lang: 'en', request: { arrivals: 250, periodMinutes: 90 } }],
  ['A IK 250 2hrs', { lang: 'en', request: { arrivals: 250, periodMinutes: 120 } }],
  ['A IK 250 1d', { lang: 'en', request: { arrivals: 250, periodMinutes: 1440 } }],
  ['A IK 250', { lang: 'en', request: { arrivals: 250, periodMinutes: DEFAULT_PERIOD_MINUTES, periodGiven: false } }],
  ['ARRIVALS IK 1,250 1h', { lang: 'en', request: { arrivals: 1250 } }],
  ['Arivals IK 250 1h', { lang: 'en', request: { kind: 'arrivals', arrivals: 250 } }],
  ['ARRIVLAS IK 250 1h', { lang: 'en', request: { kind: 'arrivals', arrivals: 250 } }],
  ['A IK 250 1hour', { lang: 'en', request: { periodMinutes: 60 } }],
  ['A IK 250 1h +', { lang: 'en', request: { arrivals: 250, confirm: true } }],
  ['A IK 250 1h+', { lang: 'en', request: { arrivals: 250, confirm: true } }],
  ['O DOM1 27300', { lang: 'en', request: { kind: 'occupancy', code: 'DOM1', occupancy: 27300 } }],
  ['o dom1 27,300', { lang: 'en', request: { kind: 'occupancy', occupancy: 27300 } }],
  ['Occupancy DOM1 27.300', { lang: 'en', request: { kind: 'occupancy', occupancy: 27300 } }],
  ['ocupancy DOM1 500', { lang: 'en', request: { kind: 'occupancy', occupancy: 500 } }],
  ['H IKH closed no insulin', { lang: 'en', request: { kind: 'health', code: 'IKH', status: 'closed', note: 'no insulin' } }],
  ['h ikh CLOSD', { lang: 'en', request: { kind: 'health', status: 'closed' } }],
  ['Health IKH open', { lang: 'en', request: { kind: 'health', status: 'operational' } }],
  ['helth IKH limited generator down', { lang: 'en', request: { status: 'limited', note: 'generator down' } }],
  ['H IKH limted', { lang: 'en', request: { status: 'limited' } }],
  ['H IKH ok', { lang: 'en', request: { status: 'operational' } }],
  // Destinations
  [
    'A IK 250 1h >ERB 120 >DUH 30',
    { lang: 'en', request: { arrivals: 250, destinations: [{ to: 'IQG11', persons: 120 }, { to: 'IQG09', persons: 30 }] } },
  ],
  ['A IK 250 1h > erb 120 >? 30', { lang: 'en', request: { destinations: [{ to: 'IQG11', persons: 120 }, { to: 'unknown', persons: 30 }] } }],
  ['A IK 250 >Erbil 100>IQG15 50', { lang: 'en', request: { periodGiven: false, destinations: [{ to: 'IQG11', persons: 100 }, { to: 'IQG15', persons: 50 }] } }],
  ['A IK 250 1h >Salah Al-Din 20 >Thi Qar 5', { lang: 'en', request: { destinations: [{ to: 'IQG16', persons: 20 }, { to: 'IQG17', persons: 5 }] } }],
  // Arabic
  ['و IK ٢٥٠ ١س', { lang: 'ar', request: { kind: 'arrivals', code: 'IK', arrivals: 250, periodMinutes: 60, periodGiven: true } }],
  [`${RLM}و ${LRM}IK${LRM} ٢٥٠ ١س${RLM}`, { lang: 'ar', request: { kind: 'arrivals', code: 'IK', arrivals: 250, periodMinutes: 60 } }],
  ['وصول IK ٢٥٠ ٣٠د', { lang: 'ar', request: { arrivals: 250, periodMinutes: 30 } }],
  ['و IK ١٬٢٥٠ ٢ ساعة', { lang: 'ar', request: { arrivals: 1250, periodMinutes: 120 } }],
  ['و ik 25٠ 1س', { lang: 'ar', request: { arrivals: 250, periodMinutes: 60 } }],
  ['و IK ٢٥٠ ١٫٥س', { lang: 'ar', request: { arrivals: 250, periodMinutes: 90 } }],
  ['و IK ٢٥٠ ١س <اربيل ١٢٠ <دهوك ٣٠', { lang: 'ar', request: { destinations: [{ to: 'IQG11', persons: 120 }, { to: 'IQG09', persons: 30 }] } }],
  ['وافدين IK ٢٥٠', { lang: 'ar', request: { arrivals: 250, periodGiven: false } }],
  ['ش DOM1 ٢٧٣٠٠', { lang: 'ar', request: { kind: 'occupancy', occupancy: 27300 } }],
  ['إشغال DOM1 ٢٧٬٣٠٠', { lang: 'ar', request: { kind: 'occupancy', occupancy: 27300 } }],
  ['اشغال DOM1 ٢٧٣٠٠', { lang: 'ar', request: { kind: 'occupancy', occupancy: 27300 } }],
  ['ص IKH مغلق لا يوجد انسولين', { lang: 'ar', request: { kind: 'health', status: 'closed', note: 'لا يوجد انسولين' } }],
  ['صحة IKH يعمل', { lang: 'ar', request: { kind: 'health', status: 'operational' } }],
  ['صحه IKH محدوده', { lang: 'ar', request: { kind: 'health', status: 'limited' } }],
  [`ص${ALM} IKH مغلقة`, { lang: 'ar', request: { kind: 'health', status: 'closed' } }],
  // Kurdish (Sorani); Persian digits as some keyboards type them
  ['گ IK ٢٥٠ ١ک', { lang: 'ckb', request: { kind: 'arrivals', code: 'IK', arrivals: 250, periodMinutes: 60 } }],
  ['گ IK ۲۵۰ ۱ک', { lang: 'ckb', request: { kind: 'arrivals', arrivals: 250, periodMinutes: 60 } }],
  ['گەیشتن IK ٢٥٠ ٣٠ خولەک', { lang: 'ckb', request: { arrivals: 250, periodMinutes: 30 } }],
  ['گەیشتووان IK 250 ١ كاتژمێر', { lang: 'ckb', request: { arrivals: 250, periodMinutes: 60 } }],
  ['گ IK ٢٥٠ ١ک >هەولێر ١٠٠', { lang: 'ckb', request: { destinations: [{ to: 'IQG11', persons: 100 }] } }],
  ['د DOM1 ٢٧٣٠٠', { lang: 'ckb', request: { kind: 'occupancy', occupancy: 27300 } }],
  ['دانیشتوان DOM1 ۲۷۳۰۰', { lang: 'ckb', request: { kind: 'occupancy', occupancy: 27300 } }],
  ['ت IKH داخراو ئەنسولین نییە', { lang: 'ckb', request: { kind: 'health', status: 'closed', note: 'ئەنسولین نییە' } }],
  ['تەندروستی IKH کراوە', { lang: 'ckb', request: { kind: 'health', status: 'operational' } }],
  // Kurdish typed with Arabic letters (ك for ک, ي for ی): the same words
  ['تەندروستي IKH كراوە', { lang: 'ckb', request: { kind: 'health', status: 'operational' } }],
];

const REFUSED: [string, { lang: SmsParsed['lang']; problem: string; token?: string; kind?: string }][] = [
  ['', { lang: 'en', problem: 'empty' }],
  [`  ${RLM} `, { lang: 'en', problem: 'empty' }],
  ['X IK 250', { lang: 'en', problem: 'keyword', token: 'X' }],
  ['hello there', { lang: 'en', problem: 'keyword', token: 'hello' }],
  ['مرحبا', { lang: 'ar', problem: 'keyword' }],
  ['سڵاو', { lang: 'ckb', problem: 'keyword' }],
  ['A', { lang: 'en', problem: 'site', kind: 'arrivals' }],
  ['A 250 1h', { lang: 'en', problem: 'site' }],
  ['A IK', { lang: 'en', problem: 'count' }],
  ['A IK 1h', { lang: 'en', problem: 'count' }],
  ['A IK 250 1h 300', { lang: 'en', problem: 'unexpected', token: '300' }],
  ['A IK 250 25h', { lang: 'en', problem: 'period', token: '25h' }],
  ['A IK 250 0h', { lang: 'en', problem: 'period', token: '0h' }],
  ['A IK 250 1x', { lang: 'en', problem: 'period', token: '1x' }],
  ['A IK 250 1h 2h', { lang: 'en', problem: 'period', token: '2h' }],
  ['A IK 2000000 1h', { lang: 'en', problem: 'count_too_large' }],
  ['A IK 250 1h >XYZ 10', { lang: 'en', problem: 'destination', token: '>XYZ 10' }],
  ['A IK 250 1h >ERB', { lang: 'en', problem: 'destination' }],
  ['A IK 250 1h >ERB 10 >ERB 20', { lang: 'en', problem: 'destination' }],
  ['A IK 100 1h >ERB 80 >DUH 30', { lang: 'en', problem: 'destinations_exceed' }],
  ['O DOM1', { lang: 'en', problem: 'count', kind: 'occupancy' }],
  ['O DOM1 500 1h', { lang: 'en', problem: 'unexpected', token: '1h' }],
  ['O DOM1 500 >ERB 10', { lang: 'en', problem: 'unexpected' }],
  ['H IKH', { lang: 'en', problem: 'status', kind: 'health' }],
  ['H IKH maybe', { lang: 'en', problem: 'status', token: 'maybe' }],
  [`H IKH closed ${'x'.repeat(501)}`, { lang: 'en', problem: 'note_too_long' }],
  ['و IK', { lang: 'ar', problem: 'count' }],
  ['ص IKH ربما', { lang: 'ar', problem: 'status' }],
  ['گ IK ٢٥٠ ٩٩ک', { lang: 'ckb', problem: 'period' }],
];

describe('parseSms', () => {
  it.each(ACCEPTED)('reads %j', (text, expected) => {
    const parsed = parseSms(text);
    expect(parsed).toMatchObject({ ok: true, lang: expected.lang, request: expected.request });
  });

  it.each(REFUSED)('refuses %j, naming what is wrong', (text, expected) => {
    const parsed = parseSms(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.lang).toBe(expected.lang);
    expect(parsed.problem.code).toBe(expected.problem);
    if (expected.token) expect(parsed.problem.token).toBe(expected.token);
    if (expected.kind) expect(parsed.kind).toBe(expected.kind);
  });

  it('keeps the note as written, digits made plain', () => {
    const parsed = parseSms('H IKH Limited  only ٢ Doctors');
    expect(parsed).toMatchObject({ ok: true, request: { note: 'only 2 Doctors' } });
  });
});

describe('text helpers', () => {
  it('reads every kind of digit', () => {
    expect(asciiDigits('٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ 0123456789')).toBe('0123456789 0123456789 0123456789');
  });

  it.each([
    ['A IK 250 1h', 'en'],
    ['و IK ٢٥٠', 'ar'],
    ['گ IK ٢٥٠', 'ckb'],
    ['مرحبا', 'ar'],
    ['سڵاو', 'ckb'],
  ] as const)('tells the language of %j', (text, lang) => {
    expect(languageOfText(text)).toBe(lang);
  });

  it('finds a site by code in any case, or by its id', () => {
    const sites = [
      { id: 'ibrahim-khalil', code: 'IK' },
      { id: 'domiz-1', code: 'DOM1' },
      { id: 'new-site' },
    ];
    expect(siteForCode(sites, 'ik')?.id).toBe('ibrahim-khalil');
    expect(siteForCode(sites, 'DOM1')?.id).toBe('domiz-1');
    expect(siteForCode(sites, 'NEW-SITE')?.id).toBe('new-site');
    expect(siteForCode(sites, 'XX')).toBeUndefined();
  });

  it('measures segments as a phone does', () => {
    expect(smsSize('hello')).toEqual({ encoding: 'gsm', units: 5, limit: 160 });
    expect(smsSize('a€')).toEqual({ encoding: 'gsm', units: 3, limit: 160 });
    expect(smsSize('مرحبا')).toEqual({ encoding: 'ucs2', units: 5, limit: 70 });
    expect(fitsOneSegment('x'.repeat(160))).toBe(true);
    expect(fitsOneSegment('x'.repeat(161))).toBe(false);
    expect(fitsOneSegment('م'.repeat(71))).toBe(false);
  });

  it('writes each example so that it parses back', () => {
    for (const lang of LANGUAGES) {
      for (const kind of ['arrivals', 'occupancy', 'health'] as const) {
        const parsed = parseSms(smsExample(lang, kind, 'IK'));
        expect(parsed, `${lang} ${kind}: ${smsExample(lang, kind, 'IK')}`).toMatchObject({ ok: true, lang, request: { kind, code: 'IK' } });
      }
    }
  });
});

const STORED_AT = '2026-11-28T04:42:10Z'; // 07:42 in Baghdad
const REPORT_ID = '7f3a9c1e-0000-5000-8000-000000000000';
const arrivals = (over: Partial<Extract<SmsRequest, { kind: 'arrivals' }>> = {}): SmsRequest => ({
  kind: 'arrivals',
  code: 'IK',
  arrivals: 250,
  periodMinutes: 60,
  periodGiven: true,
  destinations: [],
  confirm: false,
  ...over,
});

const REPLIES: [string, SmsOutcome, Record<'en' | 'ar' | 'ckb', string>][] = [
  [
    'stored arrivals',
    { type: 'stored', code: 'IK', request: arrivals(), reportId: REPORT_ID, receivedAt: STORED_AT },
    {
      en: 'IK: 250 arrivals in the last 1 h, stored 07:42, ref 7F3A',
      ar: 'IK: ٢٥٠ وافد في آخر ١ ساعة، حُفظ ٠٧:٤٢، المرجع 7F3A',
      ckb: 'IK: ٢٥٠ گەیشتوو لە ١ کاتژمێری ڕابردوو، تۆمارکرا ٠٧:٤٢، کۆد 7F3A',
    },
  ],
  [
    'stored arrivals with destinations',
    {
      type: 'stored',
      code: 'IK',
      request: arrivals({ destinations: [{ to: 'IQG11', persons: 120 }, { to: 'unknown', persons: 30 }] }),
      reportId: REPORT_ID,
      receivedAt: STORED_AT,
    },
    {
      en: 'IK: 250 arrivals in the last 1 h (ERB 120, ? 30), stored 07:42, ref 7F3A',
      ar: 'IK: ٢٥٠ وافد في آخر ١ ساعة (ERB ١٢٠، ? ٣٠)، حُفظ ٠٧:٤٢، المرجع 7F3A',
      ckb: 'IK: ٢٥٠ گەیشتوو لە ١ کاتژمێری ڕابردوو، تۆمارکرا ٠٧:٤٢، کۆد 7F3A',
    },
  ],
  [
    'stored occupancy',
    { type: 'stored', code: 'DOM1', request: { kind: 'occupancy', code: 'DOM1', occupancy: 27300, confirm: false }, reportId: REPORT_ID, receivedAt: STORED_AT },
    {
      en: 'DOM1: 27,300 people in the shelter, stored 07:42, ref 7F3A',
      ar: 'DOM1: ٢٧٬٣٠٠ شخص في المخيم، حُفظ ٠٧:٤٢، المرجع 7F3A',
      ckb: 'DOM1: ٢٧٬٣٠٠ کەس لە کەمپ، تۆمارکرا ٠٧:٤٢، کۆد 7F3A',
    },
  ],
  [
    'stored health',
    { type: 'stored', code: 'IKH', request: { kind: 'health', code: 'IKH', status: 'closed', note: 'x', confirm: false }, reportId: REPORT_ID, receivedAt: STORED_AT },
    {
      en: 'IKH: closed, stored 07:42, ref 7F3A',
      ar: 'IKH: مغلق، حُفظ ٠٧:٤٢، المرجع 7F3A',
      ckb: 'IKH: داخراوە، تۆمارکرا ٠٧:٤٢، کۆد 7F3A',
    },
  ],
  [
    'the same text again',
    { type: 'same_again', code: 'IK', request: arrivals(), earlier: { reportId: REPORT_ID, receivedAt: STORED_AT } },
    {
      en: 'IK: 250 arrivals in the last 1 h was stored at 07:42. Is this a new count? Then send it again ending in +',
      ar: 'IK: ٢٥٠ وافد في آخر ١ ساعة حُفظ ٠٧:٤٢. جديد؟ أعد إرساله مع +',
      ckb: 'IK: 7F3A تۆمارکرا ٠٧:٤٢. نوێیە؟ بە + بینێرەوە',
    },
  ],
  [
    'a problem, with an example',
    { type: 'problem', kind: 'arrivals', code: 'IK', problem: { code: 'count' } },
    {
      en: 'Not understood: the count is missing. Example: A IK 250 1h',
      ar: 'لم يُفهم: العدد ناقص. مثال: و IK ٢٥٠ ١س',
      ckb: 'تێنەگەیشتم: ژمارە نییە. نموونە: گ IK ٢٥٠ ١ک',
    },
  ],
  [
    'an unknown site',
    { type: 'unknown_site', code: 'XX', yourCodes: ['IK', 'IKH'] },
    {
      en: 'No site has the code XX. Your sites: IK, IKH',
      ar: 'لا موقع بالرمز XX. مواقعك: IK، IKH',
      ckb: 'هیچ شوێنێک کۆدی XXی نییە. شوێنەکانت: IK، IKH',
    },
  ],
  [
    'a site of another kind',
    { type: 'wrong_kind', code: 'DOM1', siteKind: 'shelter' },
    {
      en: 'DOM1 is a shelter. Send: O DOM1 27300',
      ar: 'DOM1 مخيم. أرسل: ش DOM1 ٢٧٣٠٠',
      ckb: 'DOM1 کەمپە. بنێرە: د DOM1 ٢٧٣٠٠',
    },
  ],
];

describe('smsReplyText', () => {
  it.each(REPLIES)('words %s in each language, in one segment', (_, outcome, expected) => {
    for (const lang of LANGUAGES) {
      const text = smsReplyText(outcome, lang);
      expect(text, lang).toBe(expected[lang]);
      expect(fitsOneSegment(text), `${lang}: ${text} (${smsSize(text).units})`).toBe(true);
    }
  });

  it('fits every reply to every refusal in one segment, in every language', () => {
    for (const [text] of REFUSED) {
      const parsed = parseSms(text);
      if (parsed.ok) throw new Error(text);
      for (const lang of LANGUAGES) {
        const reply = smsReplyText({ type: 'problem', problem: parsed.problem, ...(parsed.kind ? { kind: parsed.kind } : {}), ...(parsed.code ? { code: parsed.code } : {}) }, lang);
        expect(fitsOneSegment(reply), `${lang}: ${reply}`).toBe(true);
      }
    }
    for (const lang of LANGUAGES) expect(fitsOneSegment(smsReplyText({ type: 'not_registered' }, lang)), lang).toBe(true);
  });

  it('lists as many of the sender\'s sites as fit', () => {
    const codes = Array.from({ length: 40 }, (_, i) => `SITE${i}`);
    const text = smsReplyText({ type: 'unknown_site', code: 'XX', yourCodes: codes }, 'ar');
    expect(fitsOneSegment(text)).toBe(true);
    expect(text).toContain('SITE0');
    expect(text.endsWith('…')).toBe(true);
  });

  it('gives a short reference from the report id', () => {
    expect(shortRef(REPORT_ID)).toBe('7F3A');
  });
});
