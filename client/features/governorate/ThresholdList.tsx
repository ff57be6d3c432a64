// The alert thresholds that apply in this governorate, in words.
import { useMemo } from 'react';
import { placeName, useFormat } from '../../components/format.ts';
import { influxThreshold, surgeThreshold } from '../../store/derive.ts';
import { useDashboard } from '../../store/store.ts';

export function ThresholdList({ pcode }: { pcode: string }) {
  const { t, format, lang } = useFormat();
  const thresholds = useDashboard((s) => s.thresholds);
  const sites = useDashboard((s) => s.sites);
  const checkpoints = useMemo(() => Object.values(sites).filter((s) => s.governorate === pcode && s.kind === 'checkpoint'), [sites, pcode]);
  if (!thresholds) return null;
  const influx = influxThreshold(pcode, thresholds);
  return (
    <section className="thresholds" aria-labelledby="thresholds-heading" data-testid="thresholds">
      <h2 id="thresholds-heading">{t('thresholds')}</h2>
      <ul>
        {influx !== null ? <li>{t('threshold_influx', { value: format.number(influx) })}</li> : null}
        {checkpoints.map((site) => (
          <li key={site.id}>{t('threshold_surge', { site: placeName(site, lang), value: format.number(surgeThreshold(site.id, thresholds) ?? 0) })}</li>
        ))}
        <li>
          {t('threshold_shelter', {
            warning: format.percent(thresholds.shelterCapacity.warningRatio),
            critical: format.percent(thresholds.shelterCapacity.criticalRatio),
          })}
        </li>
        <li>{t('threshold_silent', { value: format.number(thresholds.siteSilent.hours) })}</li>
      </ul>
    </section>
  );
}
