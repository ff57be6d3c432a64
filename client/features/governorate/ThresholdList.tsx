// The alert thresholds that apply in this governorate, in words.
import { useMemo } from 'react';
import { placeName, useFormat } from '../../components/format.ts';
import { influxThreshold, surgeThreshold } from '../../store/derive.ts';
import { useDashboard } from '../../store/store.ts';

const SITE_KINDS = ['checkpoint', 'shelter', 'health_post'] as const;

export function ThresholdList({ pcode }: { pcode: string }) {
  const { t, format, lang } = useFormat();
  const thresholds = useDashboard((s) => s.thresholds);
  const sites = useDashboard((s) => s.sites);
  const here = useMemo(() => Object.values(sites).filter((s) => s.governorate === pcode), [sites, pcode]);
  const checkpoints = here.filter((s) => s.kind === 'checkpoint');
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
        {SITE_KINDS.filter((kind) => here.some((s) => s.kind === kind)).map((kind) => (
          <li key={kind}>
            {t('threshold_silent_kind', {
              kind: t(`kind_${kind}`),
              value: format.number(thresholds.siteSilent.perKind[kind] ?? thresholds.siteSilent.hours),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}
