// Phone numbers of staff who report by SMS: written one way (E.164), shown masked. Pure. The server
// stores only a keyed hash of a number (server/phones.ts); nothing here sees a key.

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/** Spaces, dashes, dots and brackets people write in numbers: not part of the number. */
const SEPARATORS = /[\s\-().\u00a0]/g;

/**
 * A number as an admin types it, in E.164, or undefined: `+964 750 123 4512`, `00964…` become
 * `+9647501234512`. A local number (`0750…`) is refused: the registry does not guess a country.
 */
export function parseE164(raw: string): string | undefined {
  const compact = asciiNumber(raw).replace(SEPARATORS, '').replace(/^00/, '+');
  return E164.test(compact) ? compact : undefined;
}

/**
 * A sender's number as a gateway gives it, in E.164, or undefined. Gateways differ: `+9647…`,
 * `9647…`, `009647…`, or a national `07…`, which is read in `defaultCountryCode` (Iraq's, 964, by default).
 */
export function senderE164(raw: string, defaultCountryCode = '964'): string | undefined {
  const compact = asciiNumber(raw).replace(SEPARATORS, '');
  if (/^0[1-9]\d{6,}$/.test(compact)) return parseE164(`+${defaultCountryCode}${compact.slice(1)}`);
  if (/^[1-9]\d{7,14}$/.test(compact)) return parseE164(`+${compact}`);
  return parseE164(compact);
}

/** Arabic-Indic and Persian digits as ASCII. */
function asciiNumber(raw: string): string {
  return raw.trim().replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.charCodeAt(0) - 0x0660) % (0x06f0 - 0x0660)));
}

/** A number as a screen shows it: the country and network prefix and the last two digits, `+9647•••••••12`. */
export function maskPhone(e164: string): string {
  const head = e164.slice(0, 5);
  const tail = e164.slice(-2);
  return `${head}${'•'.repeat(Math.max(0, e164.length - head.length - tail.length))}${tail}`;
}
