import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/schemas.ts';
import { NO_FILTERS, isFiltering, keeps, parseFilters } from './alertFilters.ts';

const alert: Alert = {
  id: 'a',
  rule: 'checkpoint_surge',
  severity: 'critical',
  siteId: 'safwan',
  governorate: 'IQG02',
  message: '',
  value: 2000,
  threshold: 1000,
  state: 'active',
  raisedAt: '2026-11-28T10:00:00Z',
  updatedAt: '2026-11-28T10:00:00Z',
};

describe('alert filters', () => {
  it.each([
    [null, NO_FILTERS],
    ['not json', NO_FILTERS],
    ['[1,2]', NO_FILTERS],
    ['{"severity":"critical","state":"acknowledged","rule":"site_silent","governorate":"IQG09"}', { severity: 'critical', state: 'acknowledged', rule: 'site_silent', governorate: 'IQG09' }],
    // unknown values, a resolved state and an inherited key are "all"
    ['{"severity":"loud","state":"resolved","rule":"x","governorate":"Baghdad"}', NO_FILTERS],
    ['{"__proto__":{"severity":"critical"}}', NO_FILTERS],
  ])('reads %s', (stored, expected) => {
    expect(parseFilters(stored)).toEqual(expected);
  });

  it('keeps what matches every filter set', () => {
    expect(keeps(NO_FILTERS, alert)).toBe(true);
    expect(keeps({ ...NO_FILTERS, severity: 'critical', governorate: 'IQG02' }, alert)).toBe(true);
    expect(keeps({ ...NO_FILTERS, severity: 'warning' }, alert)).toBe(false);
    expect(keeps({ ...NO_FILTERS, state: 'acknowledged' }, alert)).toBe(false);
    expect(keeps({ ...NO_FILTERS, rule: 'site_silent' }, alert)).toBe(false);
    expect(isFiltering(NO_FILTERS)).toBe(false);
    expect(isFiltering({ ...NO_FILTERS, rule: 'site_silent' })).toBe(true);
  });
});
