// Says so, plainly, when the connection is lost or no report has come in for too long.
import { useMemo } from 'react';
import { latestReportAt } from '../store/derive.ts';
import { useDashboard } from '../store/store.ts';
import { useFormat } from './format.ts';

export function ConnectionBanner({ nowMs, staleAfterMs }: { nowMs: number; staleAfterMs: number }) {
  const { t, format } = useFormat();
  const connection = useDashboard((s) => s.connection);
  const at = useDashboard((s) => s.at);
  const sites = useDashboard((s) => s.sites);
  const siteStates = useDashboard((s) => s.siteStates);
  const newest = useMemo(() => latestReportAt(Object.values(sites), siteStates), [sites, siteStates]);
  if (connection === 'lost') {
    return (
      <div className="banner banner-lost" role="alert" data-testid="banner-lost">
        {t('connectionLost', { time: at ? format.time(at) : '—' })}
      </div>
    );
  }
  if (newest !== null && nowMs - Date.parse(newest) > staleAfterMs) {
    return (
      <div className="banner banner-stale" role="alert" data-testid="banner-stale">
        {t('stale', { age: format.duration(nowMs - Date.parse(newest)) })}
      </div>
    );
  }
  return null;
}
