import { describe, expect, it } from 'vitest';
import { makeFormat } from './format.ts';

describe('makeFormat hours and days', () => {
  it.each([
    ['en', 1.5, '1.5 hours', 3, '3 days'],
    ['en', 1, '1 hour', 1, '1 day'],
    ['ar', 1.5, '١٫٥', 3, '٣'],
    ['ckb', 1.5, '١٫٥ کاتژمێر', 3, '٣ ڕۆژ'],
  ] as const)('%s: %s h and %s d', (lang, h, hours, d, days) => {
    const format = makeFormat(lang);
    expect(format.hours(h)).toContain(hours);
    expect(format.days(d)).toContain(days);
  });

  it('says a setting to a tenth, as the coordinator wrote it', () => {
    expect(makeFormat('en').hours(1.25)).toBe('1.3 hours');
    expect(makeFormat('en').hours(6)).toBe('6 hours');
  });

  it('words the same number the same way as the rest of the screen in Kurdish', () => {
    const format = makeFormat('ckb');
    expect(format.hours(12)).toBe(`${format.number(12)} کاتژمێر`);
  });
});
