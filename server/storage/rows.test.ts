// A report's stored spelling: keys in order at every depth, nothing nested lost.
import { describe, expect, it } from 'vitest';
import type { StoredReport } from '../../shared/schemas.ts';
import { reportContent, storedReport } from './rows.ts';

const base = { id: '00000000-0000-4000-8000-000000000001', siteId: 'ibrahim-khalil', observedAt: '2026-11-28T07:30:00Z', receivedAt: '2026-11-28T07:31:00Z' };

describe('reportContent', () => {
  it('spells a flat report as before: keys sorted, receivedAt left out', () => {
    const report = { ...base, kind: 'arrivals', arrivals: 250, periodMinutes: 60 } as StoredReport;
    expect(reportContent(report)).toBe(
      '{"arrivals":250,"id":"00000000-0000-4000-8000-000000000001","kind":"arrivals","observedAt":"2026-11-28T07:30:00Z","periodMinutes":60,"siteId":"ibrahim-khalil"}',
    );
  });

  it('keeps destinations whole, and reads them back', () => {
    const report = {
      ...base,
      kind: 'arrivals',
      arrivals: 300,
      periodMinutes: 60,
      destinations: [
        { to: 'IQG11', persons: 150 },
        { persons: 150, to: 'unknown' },
      ],
    } as StoredReport;
    const content = reportContent(report);
    expect(content).toContain('"destinations":[{"persons":150,"to":"IQG11"},{"persons":150,"to":"unknown"}]');
    expect(storedReport(content, base.receivedAt, false)).toEqual({ ...report, destinations: [{ persons: 150, to: 'IQG11' }, { persons: 150, to: 'unknown' }] });
  });
});
