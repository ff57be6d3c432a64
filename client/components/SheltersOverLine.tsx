// Every shelter at or above its warning line, by name, fullest first: the open shelter_capacity
// alerts (their severity says warning or critical), with governorate and percentage. On the wall,
// as many as fit, then "+ N more".
import { useMemo } from 'react';
import { sheltersOverLine } from '../store/derive.ts';
import { useDashboard } from '../store/store.ts';
import { SeverityBadge } from './AlertList.tsx';
import { placeName, useFormat } from './format.ts';
import { useGovernorates } from './useDashboardFeed.ts';

interface Props {
  /** at most this many, the fullest, then "+ N more" (the wall shows what fits); otherwise every one */
  max?: number;
}

export function SheltersOverLine({ max }: Props) {
  const { t, format, lang } = useFormat();
  const alerts = useDashboard((s) => s.alerts);
  const sites = useDashboard((s) => s.sites);
  const warningRatio = useDashboard((s) => s.thresholds?.shelterCapacity.warningRatio);
  const governorates = useGovernorates();
  const rows = useMemo(() => sheltersOverLine(Object.values(alerts), sites), [alerts, sites]);
  const shown = max === undefined ? rows.length : Math.min(max, rows.length);
  // the line the alerts were raised at; until the thresholds arrive, the heading names no number
  const line = warningRatio !== undefined ? format.percent(warningRatio) : '…';
  const hidden = rows.length - shown;
  return (
    <section className="shelters-over-line" aria-labelledby="shelters-over-line-heading" data-testid="shelters-over-line">
      <h2 id="shelters-over-line-heading">{t('sheltersOverLine', { percent: line })}</h2>
      {rows.length === 0 ? (
        <p className="empty">{t('sheltersOverLineNone', { percent: line })}</p>
      ) : (
        <ul className="shelter-lines">
          {rows.slice(0, shown).map(({ alert, site, ratio }) => {
            const governorate = governorates[alert.governorate];
            return (
              <li key={alert.id} className={`shelter-line alert-${alert.severity}`} data-site-id={alert.siteId} data-severity={alert.severity}>
                <SeverityBadge severity={alert.severity} />
                <span className="shelter-name">{site ? placeName(site, lang) : alert.siteId}</span>
                <span className="shelter-governorate">{governorate ? placeName(governorate, lang) : alert.governorate}</span>
                <span className="shelter-percent num" data-testid="shelter-percent">
                  {ratio === null ? '—' : format.fullness(ratio)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {hidden > 0 ? (
        <p className="more" data-testid="shelters-more">
          {t('moreCount', { count: format.number(hidden) })}
        </p>
      ) : null}
    </section>
  );
}
