// The sitrep script's command line: what it takes, and what it refuses in words.
import { describe, expect, it } from 'vitest';
import { readSitrepArgs, sitrepAddress } from './sitrep.ts';

describe('npm run sitrep', () => {
  it('reads the moment, the language and the file, and defaults to now, English and sitrep.pdf', () => {
    expect(readSitrepArgs([])).toMatchObject({ atIso: null, lang: 'en', out: 'sitrep.pdf', chromium: '/usr/bin/chromium' });
    expect(readSitrepArgs(['--at', '2026-11-28T09:00:00+03:00', '--lang', 'ckb', '--out', 'x.pdf', '--url', 'http://h:1/'])).toMatchObject({
      atIso: '2026-11-28T06:00:00.000Z',
      lang: 'ckb',
      out: 'x.pdf',
      url: 'http://h:1',
    });
  });

  it.each([
    [['--lang', 'fr'], /--lang/],
    [['--at', 'yesterday'], /--at/],
    [['--at', '2026-11-28T06:00:00'], /offset/],
    [['--colour', 'red'], /colour/],
  ])('refuses %j naming the option', (argv, message) => {
    expect(() => readSitrepArgs(argv)).toThrow(message);
  });

  it('puts the token in the fragment, never in the query', () => {
    const address = new URL(sitrepAddress('http://127.0.0.1:8080', 'secret/token', 'ar', '2026-11-28T06:00:00.000Z'));
    expect(address.pathname).toBe('/sitrep');
    expect(address.searchParams.get('lang')).toBe('ar');
    expect(address.searchParams.has('token')).toBe(false);
    expect(address.hash).toBe('#token=secret%2Ftoken');
  });
});
