// The device's session: the token (taken once from #token=… and kept) and the chosen language.
export const TOKEN_KEY = 'amina.token';
const LANG_KEY = 'amina.lang';

import { DEFAULT_TIME_ZONE, isTimeZone } from '../../shared/format.ts';
import { isLanguage, type Language } from '../../shared/language.ts';

export { directionOf, LANGUAGES, type Language } from '../../shared/language.ts';

/**
 * Moves a token from the address fragment into storage and removes it from the address, so that it
 * is not left in the history, a screenshot or a shared link. Call once, before anything renders.
 */
export function adoptTokenFromAddress(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  localStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  const rest = window.location.hash.replace(/(^#|&)token=[^&]+/, '$1').replace(/^#&?$/, '');
  history.replaceState(history.state, '', window.location.pathname + window.location.search + rest);
}

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function forgetToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}

/** `?lang=` wins and is remembered; then the remembered choice; then the browser's; then English. */
export function chooseLanguage(): Language {
  const fromAddress = new URLSearchParams(window.location.search).get('lang');
  if (isLanguage(fromAddress)) {
    localStorage.setItem(LANG_KEY, fromAddress);
    return fromAddress;
  }
  const remembered = localStorage.getItem(LANG_KEY);
  if (isLanguage(remembered)) return remembered;
  const browser = navigator.language.slice(0, 3).replace('-', '');
  if (isLanguage(browser)) return browser;
  return 'en';
}

export function rememberLanguage(lang: Language): void {
  localStorage.setItem(LANG_KEY, lang);
}


const TIME_ZONE_KEY = 'amina.timeZone';

/**
 * The time zone the screens say times in: `?tz=Asia/Baghdad` (any IANA zone) wins and is remembered
 * on the device; `?tz=` with nothing forgets it. Without either, Baghdad (DEFAULT_TIME_ZONE).
 */
export function chooseTimeZone(): string {
  const params = new URLSearchParams(window.location.search);
  const fromAddress = params.get('tz');
  if (fromAddress !== null) {
    if (fromAddress === '') localStorage.removeItem(TIME_ZONE_KEY);
    else if (isTimeZone(fromAddress)) localStorage.setItem(TIME_ZONE_KEY, fromAddress);
  }
  const remembered = localStorage.getItem(TIME_ZONE_KEY);
  return remembered && isTimeZone(remembered) ? remembered : DEFAULT_TIME_ZONE;
}
