import { describe, expect, it } from 'vitest';
import { capAlertXml, capAtomFeed, capDate, capIdentifier, capMessage, capMsgType, type CapSubject } from './cap.ts';
import type { Alert, Governorate, Site } from './schemas.ts';
import { CAP_DATE_TIME, capProblems, child, children, parseXml, textOf } from './testing/capCheck.ts';

const SENDER = 'amina@dashboard.example.org';
/** Duhok as a CAP polygon, coarsely: enough for the check, which wants every area drawn. */
const DUHOK_OUTLINE = ['36.6,42.4 37.4,42.4 37.4,44.0 36.6,44.0 36.6,42.4'];
const PUBLISHER = { sender: SENDER, webBase: 'https://dashboard.example.org', contact: 'CCC duty officer' };
const duhok: Governorate = { pcode: 'IQG09', nameEn: 'Duhok', nameAr: 'دهوك', nameCkb: 'دهۆک' };
const ibrahimKhalil: Site = {
  id: 'ibrahim-khalil',
  kind: 'checkpoint',
  nameEn: 'Ibrahim Khalil',
  nameAr: 'إبراهيم الخليل',
  nameCkb: 'ئیبراهیم خەلیل',
  governorate: 'IQG09',
  lon: 42.56556,
  lat: 37.144722,
  coordinateQuality: 'crossing_point',
};
const peshkhabour: Site = { ...ibrahimKhalil, id: 'peshkhabour', nameEn: 'Peshkhabour', nameAr: 'فيشخابور', nameCkb: 'پێشخابوور', lon: null, lat: null };
const domiz: Site = { id: 'domiz-1', kind: 'shelter', nameEn: 'Domiz 1', nameAr: 'مخيم دوميز 1', governorate: 'IQG09', lon: 42.891424, lat: 36.782322, capacity: 27000, coordinateQuality: 'camp_gps' };

const raised = '2026-11-28T14:05:00Z';
function alert(over: Partial<Alert>): Alert {
  return {
    id: 'a1',
    rule: 'checkpoint_surge',
    severity: 'warning',
    siteId: 'ibrahim-khalil',
    governorate: 'IQG09',
    message: 'm',
    value: 2150,
    threshold: 2000,
    state: 'active',
    raisedAt: raised,
    updatedAt: raised,
    ...over,
  };
}

describe('CAP dates and identifiers', () => {
  it.each([
    ['2026-11-28T14:05:00Z', '2026-11-28T14:05:00-00:00'],
    ['2026-11-28T14:05:00.987Z', '2026-11-28T14:05:00-00:00'],
    ['2026-11-28T17:05:00+03:00', '2026-11-28T14:05:00-00:00'],
  ])('writes %s as %s', (input, output) => {
    expect(capDate(input)).toBe(output);
    expect(capDate(input)).toMatch(CAP_DATE_TIME);
  });

  it('gives every version of an alert its own identifier', () => {
    expect(capIdentifier('a1', raised)).toBe('amina-a1-20261128T140500Z');
    expect(capIdentifier('a1', '2026-11-28T15:00:00Z')).not.toBe(capIdentifier('a1', raised));
  });
});

const cases: { name: string; alert: Alert; subject: CapSubject; msgType: string; status: string; references: boolean; urgency: string; severity: string; category: string[]; circle?: string; headline: Record<string, string> }[] = [
  {
    name: 'a new surge at a located crossing',
    alert: alert({}),
    subject: { site: ibrahimKhalil, governorate: duhok, polygons: DUHOK_OUTLINE, exercise: false },
    msgType: 'Alert',
    status: 'Actual',
    references: false,
    urgency: 'Expected',
    severity: 'Moderate',
    category: ['Safety'],
    circle: '37.144722,42.56556 1',
    headline: { en: 'Ibrahim Khalil: 2,150 arrivals in the last hour, over the alert line of 2,000', ar: 'إبراهيم الخليل: ٢٬١٥٠ وافد في الساعة الأخيرة، فوق حدّ التنبيه البالغ ٢٬٠٠٠', ckb: 'ئیبراهیم خەلیل: ٢٬١٥٠ گەیشتوو لە دوایین کاتژمێردا، سەرووی سنووری ئاگادارکردنەوەی ٢٬٠٠٠' },
  },
  {
    name: 'a surge that turned critical at an unlocated crossing, from a drill',
    alert: alert({ siteId: 'peshkhabour', severity: 'critical', value: 2400, updatedAt: '2026-11-28T15:00:00Z' }),
    subject: { site: peshkhabour, governorate: duhok, polygons: DUHOK_OUTLINE, exercise: true },
    msgType: 'Update',
    status: 'Exercise',
    references: true,
    urgency: 'Immediate',
    severity: 'Severe',
    category: ['Safety'],
    headline: { en: 'EXERCISE: Peshkhabour: 2,400 arrivals in the last hour, over the alert line of 2,000', ar: 'تمرين: فيشخابور: ٢٬٤٠٠ وافد في الساعة الأخيرة، فوق حدّ التنبيه البالغ ٢٬٠٠٠', ckb: 'ڕاهێنان: پێشخابوور: ٢٬٤٠٠ گەیشتوو لە دوایین کاتژمێردا، سەرووی سنووری ئاگادارکردنەوەی ٢٬٠٠٠' },
  },
  {
    name: 'an acknowledged shelter alert (no Kurdish site name: the Arabic one stands in)',
    alert: alert({ rule: 'shelter_capacity', siteId: 'domiz-1', value: 24500, threshold: 24300, state: 'acknowledged', acknowledgedAt: '2026-11-28T14:20:00Z', acknowledgedBy: 'JCMC duty officer', updatedAt: '2026-11-28T14:20:00Z' }),
    subject: { site: domiz, governorate: duhok, polygons: DUHOK_OUTLINE, exercise: false },
    msgType: 'Update',
    status: 'Actual',
    references: true,
    urgency: 'Expected',
    severity: 'Moderate',
    category: ['Safety', 'Infra'],
    circle: '36.782322,42.891424 1',
    headline: { en: 'Domiz 1: 24,500 people sheltered, 90% of its 27,000 places', ar: 'مخيم دوميز ١: ٢٤٬٥٠٠ شخص، ٩٠٪؜ من السعة البالغة ٢٧٬٠٠٠ مكان', ckb: 'مخيم دوميز ١: ٢٤٬٥٠٠ کەس، ٩٠٪؜ی توانای ٢٧٬٠٠٠ شوێن' },
  },
  {
    name: 'a resolved governorate influx',
    alert: alert({ rule: 'governorate_influx', siteId: undefined, value: 26000, threshold: 25000, state: 'resolved', resolvedAt: '2026-11-29T09:00:00Z', updatedAt: '2026-11-29T09:00:00Z' }),
    subject: { governorate: duhok, polygons: DUHOK_OUTLINE, exercise: false },
    msgType: 'Cancel',
    status: 'Actual',
    references: true,
    urgency: 'Past',
    severity: 'Moderate',
    category: ['Safety'],
    headline: { en: 'Duhok: 26,000 arrivals in the last 24 hours, over the alert line of 25,000', ar: 'دهوك: ٢٦٬٠٠٠ وافد خلال آخر ٢٤ ساعة، فوق حدّ التنبيه البالغ ٢٥٬٠٠٠', ckb: 'دهۆک: ٢٦٬٠٠٠ گەیشتوو لە دوایین ٢٤ کاتژمێردا، سەرووی سنووری ئاگادارکردنەوەی ٢٥٬٠٠٠' },
  },
  {
    name: 'a closed health post',
    alert: alert({ rule: 'health_post_down', siteId: 'domiz-1-clinic', severity: 'critical', value: 2, threshold: 2 }),
    subject: { governorate: duhok, polygons: DUHOK_OUTLINE, exercise: false },
    msgType: 'Alert',
    status: 'Actual',
    references: false,
    urgency: 'Immediate',
    severity: 'Severe',
    category: ['Health'],
    headline: { en: 'domiz-1-clinic: health post closed', ar: 'domiz-1-clinic: النقطة الصحية مغلقة', ckb: 'domiz-1-clinic: بنکەی تەندروستی داخراوە' },
  },
];

describe('CAP messages', () => {
  it.each(cases)('$name', (c) => {
    const message = capMessage(c.alert, c.subject, PUBLISHER);
    const xml = capAlertXml(message);
    const root = parseXml(xml);
    expect(capProblems(root)).toEqual([]);
    expect(textOf(root, 'msgType')).toBe(c.msgType);
    expect(capMsgType(c.alert)).toBe(c.msgType);
    expect(textOf(root, 'status')).toBe(c.status);
    expect(textOf(root, 'scope')).toBe('Restricted');
    expect(textOf(root, 'sender')).toBe(SENDER);
    const refs = textOf(root, 'references');
    if (c.references) expect(refs).toBe(`${SENDER},amina-a1-20261128T140500Z,2026-11-28T14:05:00-00:00`);
    else expect(refs).toBeUndefined();

    const infos = children(root, 'info');
    expect(infos.map((i) => textOf(i, 'language'))).toEqual(['en', 'ar', 'ckb']);
    for (const info of infos) {
      expect(textOf(info, 'urgency')).toBe(c.urgency);
      expect(textOf(info, 'severity')).toBe(c.severity);
      expect(children(info, 'category').map((x) => x.text)).toEqual(c.category);
      const area = child(info, 'area')!;
      expect(textOf(child(area, 'geocode')!, 'value')).toBe('IQG09');
      expect(textOf(area, 'circle')).toBe(c.circle);
      expect(textOf(info, 'headline')).toBe(c.headline[textOf(info, 'language')!]);
    }
  });

  it('says who acknowledged, and escapes what they wrote', () => {
    const message = capMessage(
      alert({ state: 'acknowledged', acknowledgedAt: '2026-11-28T14:20:00Z', acknowledgedBy: 'duty <officer>', note: 'buses & tents sent', updatedAt: '2026-11-28T14:20:00Z' }),
      { site: ibrahimKhalil, governorate: duhok, polygons: DUHOK_OUTLINE, exercise: false },
      PUBLISHER,
    );
    const root = parseXml(capAlertXml(message));
    const en = children(root, 'info')[0];
    expect(textOf(en!, 'description')).toContain('Acknowledged by duty <officer> at 2026-11-28T14:20:00-00:00. buses & tents sent');
    expect(textOf(root, 'sent')).toBe('2026-11-28T14:20:00-00:00');
  });
});

describe('the Atom feed', () => {
  it('carries each CAP message inline as an entry, and an empty feed is still a feed', () => {
    const messages = cases.map((c) => capMessage(c.alert, c.subject, PUBLISHER));
    const feed = parseXml(capAtomFeed({ selfUrl: 'https://x.example/api/export/alerts.cap', updated: '2026-11-29T09:00:00Z', messages }));
    expect(feed.name).toBe('feed');
    expect(feed.attributes.xmlns).toBe('http://www.w3.org/2005/Atom');
    for (const name of ['id', 'title', 'updated']) expect(textOf(feed, name)).toBeTruthy();
    const entries = children(feed, 'entry');
    expect(entries).toHaveLength(cases.length);
    for (const entry of entries) {
      expect(textOf(entry, 'updated')).toMatch(/Z$/);
      const content = child(entry, 'content')!;
      expect(content.attributes.type).toBe('application/cap+xml');
      const cap = child(content, 'alert')!;
      expect(capProblems(cap)).toEqual([]);
      expect(textOf(entry, 'id')).toBe(`https://x.example/api/export/alerts.cap#${textOf(cap, 'identifier')}`);
    }
    const empty = parseXml(capAtomFeed({ selfUrl: 'https://x.example/a', updated: raised, messages: [] }));
    expect(children(empty, 'entry')).toEqual([]);
  });
});

describe('the CAP check itself', () => {
  it.each([
    ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>', 'required <sender>'],
    ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>s</sender><sent>2026-11-28T14:05:00Z</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope></alert>', 'not a CAP dateTime'],
    ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>s</sender><sent>2026-11-28T14:05:00-00:00</sent><status>Real</status><msgType>Alert</msgType><scope>Public</scope></alert>', 'status "Real"'],
    ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>s</sender><sent>2026-11-28T14:05:00-00:00</sent><status>Actual</status><msgType>Update</msgType><scope>Restricted</scope></alert>', 'required <restriction>'],
    ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>s</sender><sent>2026-11-28T14:05:00-00:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><category>Weather</category><event>e</event><urgency>Now</urgency><severity>Severe</severity><certainty>Observed</certainty><area></area></info></alert>', 'category "Weather"'],
  ])('rejects a broken message (%#)', (xml, problem) => {
    expect(capProblems(parseXml(xml)).join('\n')).toContain(problem);
  });

  it.each(['<a><b></a>', '<a>x & y</a>', '<a></a><b/>', 'text<a/>'])('rejects malformed XML %j', (xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});

describe('the alerting-hub profile', () => {
  const acknowledged = alert({
    value: 2400,
    state: 'acknowledged',
    acknowledgedAt: '2026-11-28T14:20:00Z',
    acknowledgedBy: 'duty officer',
    updatedAt: '2026-11-28T14:30:00Z',
  });

  it('publishes an acknowledgement with new values as an Update that says who acknowledged, in a parameter too', () => {
    const message = capMessage(acknowledged, { site: ibrahimKhalil, governorate: duhok, polygons: DUHOK_OUTLINE, exercise: false }, PUBLISHER);
    expect(message.msgType).toBe('Update');
    const en = message.info[0]!;
    expect(en.parameter).toEqual(expect.arrayContaining([
      { valueName: 'acknowledgedBy', value: 'duty officer' },
      { valueName: 'acknowledgedAt', value: '2026-11-28T14:20:00-00:00' },
    ]));
    expect(en.description).toContain('Acknowledged by duty officer');
  });

  it('references the first message and the latest one before it, not only the first', () => {
    const message = capMessage(acknowledged, { site: ibrahimKhalil, governorate: duhok, exercise: false, earlierVersions: [raised, '2026-11-28T14:10:00Z', '2026-11-28T14:20:00Z'] }, PUBLISHER);
    expect(message.identifier).toBe('amina-a1-20261128T143000Z-3');
    expect(message.references).toBe(
      `${SENDER},amina-a1-20261128T140500Z,2026-11-28T14:05:00-00:00 ${SENDER},amina-a1-20261128T142000Z-2,2026-11-28T14:20:00-00:00`,
    );
    const cancel = capMessage(
      { ...acknowledged, state: 'resolved', resolvedAt: '2026-11-28T16:00:00Z', updatedAt: '2026-11-28T16:00:00Z' },
      { site: ibrahimKhalil, governorate: duhok, exercise: false, earlierVersions: [raised, '2026-11-28T14:30:00Z'] },
      PUBLISHER,
    );
    expect(cancel.msgType).toBe('Cancel');
    expect(cancel.references?.split(' ').at(-1)).toBe(`${SENDER},amina-a1-20261128T143000Z-1,2026-11-28T14:30:00-00:00`);
    // a change in the same second as the raise is still an Update, under an identifier of its own
    const quick = capMessage({ ...acknowledged, updatedAt: raised }, { governorate: duhok, exercise: false, earlierVersions: [raised] }, PUBLISHER);
    expect(quick.msgType).toBe('Update');
    expect(quick.identifier).toBe('amina-a1-20261128T140500Z-1');
  });

  it.each([
    ['checkpoint_surge', '2026-11-28T16:30:00-00:00'],
    ['governorate_influx', '2026-11-29T14:30:00-00:00'],
    ['site_silent', '2026-11-29T02:30:00-00:00'],
  ] as const)('lets a %s message lapse by the documented rule', (rule, expires) => {
    const message = capMessage({ ...acknowledged, rule }, { governorate: duhok, polygons: DUHOK_OUTLINE, exercise: false }, PUBLISHER);
    for (const info of message.info) expect(info.expires).toBe(expires);
  });

  it('tells what to do in every language, links the governorate page, names the contact, and draws the governorate where no circle can', () => {
    const message = capMessage(alert({ rule: 'governorate_influx', siteId: undefined }), { governorate: duhok, polygons: DUHOK_OUTLINE, exercise: true }, PUBLISHER);
    expect(message.info.map((i) => i.instruction.length > 20)).toEqual([true, true, true]);
    expect(new Set(message.info.map((i) => i.instruction)).size).toBe(3);
    expect(message.info[0]!.web).toBe('https://dashboard.example.org/g/IQG09?exercise');
    expect(message.info[0]!.contact).toBe('CCC duty officer');
    expect(message.info[0]!.area).toMatchObject({ polygons: DUHOK_OUTLINE, geocode: { value: 'IQG09' } });
    const located = capMessage(alert({}), { site: ibrahimKhalil, governorate: duhok, polygons: DUHOK_OUTLINE, exercise: false }, PUBLISHER);
    expect(located.info[0]!.area.polygons).toEqual([]);
    expect(located.info[0]!.area.circle).toBe('37.144722,42.56556 1');
    expect(located.info[0]!.web).toBe('https://dashboard.example.org/g/IQG09#site-ibrahim-khalil');
  });
});
