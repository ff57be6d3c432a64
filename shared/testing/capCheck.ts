// For tests: a small XML reader and a check of a CAP message against CAP 1.2's rules, written from
// the OASIS specification (CAP-v1.2-os, section 3) independently of the builder in ../cap.ts.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const known = ENTITIES[ref];
    if (known === undefined) throw new Error(`unknown entity ${whole}`);
    return known;
  });
}

/**
 * Parses well-formed XML without a DTD into elements. Throws on a tag that does not close, a
 * stray "<" or "&", or text outside the root: enough to catch a broken builder.
 */
export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at offset ${pos}`);
  };
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = xml.slice(pos, lt === -1 ? xml.length : lt);
    if (text.includes('>')) fail('stray ">"');
    if (/&(?!(#x[0-9a-fA-F]+|#\d+|\w+);)/.test(text)) fail('stray "&"');
    if (stack.length) stack[stack.length - 1]!.text += decode(text);
    else if (text.trim()) fail('text outside the root element');
    if (lt === -1) break;
    pos = lt;
    if (xml.startsWith('<?', pos)) {
      const end = xml.indexOf('?>', pos);
      if (end === -1) fail('unclosed declaration');
      pos = end + 2;
      continue;
    }
    if (xml.startsWith('<!--', pos)) {
      const end = xml.indexOf('-->', pos);
      if (end === -1) fail('unclosed comment');
      pos = end + 3;
      continue;
    }
    const gt = xml.indexOf('>', pos);
    if (gt === -1) fail('unclosed tag');
    const tag = xml.slice(pos + 1, gt);
    pos = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) fail(`closing </${tag.slice(1)}> does not match`);
      if (!stack.length) root = open;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameMatch = /^([A-Za-z_][\w.:-]*)/.exec(body);
    if (!nameMatch) fail(`bad tag <${tag}>`);
    const attributes: Record<string, string> = {};
    const rest = body.slice(nameMatch![1]!.length);
    const attr = /\s+([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/y;
    let at = 0;
    while (at < rest.trimEnd().length) {
      attr.lastIndex = at;
      const m = attr.exec(rest);
      if (!m) fail(`bad attributes in <${tag}>`);
      attributes[m![1]!] = decode(m![2]!);
      at = attr.lastIndex;
    }
    const el: XmlElement = { name: nameMatch![1]!, attributes, children: [], text: '' };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else if (root) fail('a second root element');
    if (selfClosing) {
      if (!stack.length) root = el;
    } else {
      stack.push(el);
    }
  }
  if (stack.length) throw new Error(`XML: <${stack[stack.length - 1]!.name}> never closes`);
  if (!root) throw new Error('XML: no root element');
  return root;
}

export const children = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);
export const child = (el: XmlElement, name: string): XmlElement | undefined => children(el, name)[0];
export const textOf = (el: XmlElement, name: string): string | undefined => child(el, name)?.text.trim();

// CAP 1.2, section 3.2: the enumerations.
const STATUS = ['Actual', 'Exercise', 'System', 'Test', 'Draft'];
const MSG_TYPE = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'];
const SCOPE = ['Public', 'Restricted', 'Private'];
const CATEGORY = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'];
const RESPONSE_TYPE = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'];
const URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'];
const SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];
const CERTAINTY = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'];

/** CAP dateTime: "2002-05-24T16:49:00-07:00"; no "Z", no fractions of a second; UTC as "-00:00". */
export const CAP_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/;
/** identifier, sender, references entries: no spaces, commas or restricted characters. */
const NO_SPACE_COMMA = /^[^\s,<&]+$/;

/** Every way `alert` breaks CAP 1.2; empty when it conforms. */
export function capProblems(alert: XmlElement): string[] {
  const problems: string[] = [];
  const need = (el: XmlElement, name: string, where: string) => {
    const found = children(el, name);
    if (found.length === 0 || !found[0]!.text.trim()) problems.push(`${where}: required <${name}> missing or empty`);
    return found[0]?.text.trim();
  };
  const oneOf = (value: string | undefined, allowed: string[], what: string) => {
    if (value !== undefined && !allowed.includes(value)) problems.push(`${what} "${value}" is not one of ${allowed.join(', ')}`);
  };
  const date = (value: string | undefined, what: string) => {
    if (value === undefined) return;
    if (!CAP_DATE_TIME.test(value)) problems.push(`${what} "${value}" is not a CAP dateTime`);
    else if (value.endsWith('+00:00')) problems.push(`${what} "${value}": UTC must be written "-00:00"`);
  };

  if (alert.name !== 'alert') problems.push(`root is <${alert.name}>, not <alert>`);
  if (alert.attributes.xmlns !== 'urn:oasis:names:tc:emergency:cap:1.2') problems.push('wrong or missing CAP 1.2 namespace');
  const identifier = need(alert, 'identifier', 'alert');
  const sender = need(alert, 'sender', 'alert');
  if (identifier !== undefined && !NO_SPACE_COMMA.test(identifier)) problems.push(`identifier "${identifier}" has a space, comma, < or &`);
  if (sender !== undefined && !NO_SPACE_COMMA.test(sender)) problems.push(`sender "${sender}" has a space, comma, < or &`);
  date(need(alert, 'sent', 'alert'), 'sent');
  oneOf(need(alert, 'status', 'alert'), STATUS, 'status');
  const msgType = need(alert, 'msgType', 'alert');
  oneOf(msgType, MSG_TYPE, 'msgType');
  const scope = need(alert, 'scope', 'alert');
  oneOf(scope, SCOPE, 'scope');
  if (scope === 'Restricted') need(alert, 'restriction', 'alert (scope Restricted)');
  if (scope === 'Private') need(alert, 'addresses', 'alert (scope Private)');

  const references = textOf(alert, 'references');
  if (references !== undefined) {
    for (const ref of references.split(/\s+/)) {
      const parts = ref.split(',');
      if (parts.length !== 3 || !parts.every(Boolean)) problems.push(`references entry "${ref}" is not sender,identifier,sent`);
      else date(parts[2], 'references sent');
    }
  }
  if ((msgType === 'Update' || msgType === 'Cancel' || msgType === 'Ack' || msgType === 'Error') && !references) {
    problems.push(`a ${msgType} must reference the message it follows`);
  }

  children(alert, 'info').forEach((info, i) => {
    const where = `info[${i}]`;
    const categories = children(info, 'category');
    if (!categories.length) problems.push(`${where}: required <category> missing`);
    for (const c of categories) oneOf(c.text.trim(), CATEGORY, `${where} category`);
    need(info, 'event', where);
    for (const r of children(info, 'responseType')) oneOf(r.text.trim(), RESPONSE_TYPE, `${where} responseType`);
    oneOf(need(info, 'urgency', where), URGENCY, `${where} urgency`);
    oneOf(need(info, 'severity', where), SEVERITY, `${where} severity`);
    oneOf(need(info, 'certainty', where), CERTAINTY, `${where} certainty`);
    for (const d of ['effective', 'onset', 'expires']) date(textOf(info, d), `${where} ${d}`);
    for (const p of [...children(info, 'parameter'), ...children(info, 'eventCode')]) {
      need(p, 'valueName', `${where} ${p.name}`);
      need(p, 'value', `${where} ${p.name}`);
    }
    // The profile alerting hubs apply (Google's, among others) asks for more than CAP's minimum: when
    // the message stops being true, where to read more, whom to ask, what to do, and a drawn area.
    for (const name of ['expires', 'web', 'contact', 'instruction', 'headline', 'description']) need(info, name, `${where} (profile)`);
    const web = textOf(info, 'web');
    if (web !== undefined && !/^https?:\/\/[^\s]+$/.test(web)) problems.push(`${where}: web "${web}" is not an absolute http(s) address`);
    const effective = textOf(info, 'effective');
    const expires = textOf(info, 'expires');
    if (effective && expires && Date.parse(expires) <= Date.parse(effective)) problems.push(`${where}: expires ${expires} is not after effective ${effective}`);
    const areas = children(info, 'area');
    if (!areas.length) problems.push(`${where} (profile): required <area> missing`);
    areas.forEach((area, j) => {
      const at = `${where} area[${j}]`;
      need(area, 'areaDesc', at);
      const polygons = children(area, 'polygon');
      if (!polygons.length && !children(area, 'circle').length) problems.push(`${at} (profile): neither a <polygon> nor a <circle>`);
      for (const polygon of polygons) {
        const pairs = polygon.text.trim().split(/\s+/);
        const valid = pairs.every((pair) => {
          const m = /^(-?\d+(\.\d+)?),(-?\d+(\.\d+)?)$/.exec(pair);
          return m !== null && Math.abs(Number(m[1])) <= 90 && Math.abs(Number(m[3])) <= 180;
        });
        if (!valid || pairs.length < 4 || pairs[0] !== pairs[pairs.length - 1]) {
          problems.push(`${at}: polygon is not four or more "lat,lon" pairs with the first repeated last`);
        }
      }
      for (const circle of children(area, 'circle')) {
        const m = /^(-?\d+(\.\d+)?),(-?\d+(\.\d+)?) (\d+(\.\d+)?)$/.exec(circle.text.trim());
        if (!m || Math.abs(Number(m[1])) > 90 || Math.abs(Number(m[3])) > 180) {
          problems.push(`${at}: circle "${circle.text}" is not "lat,lon radius"`);
        }
      }
      for (const g of children(area, 'geocode')) {
        need(g, 'valueName', `${at} geocode`);
        need(g, 'value', `${at} geocode`);
      }
    });
  });
  return problems;
}
