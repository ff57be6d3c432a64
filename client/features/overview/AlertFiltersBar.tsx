// The overview's alert filters: severity, state, kind (rule) and governorate, remembered on the device.
import { useTranslation } from 'react-i18next';
import { AlertRule } from '../../../shared/schemas.ts';
import { byPlaceName, placeName, useFormat } from '../../components/format.ts';
import { useGovernorates } from '../../components/useDashboardFeed.ts';
import { NO_FILTERS, isFiltering, type AlertFilters } from './alertFilters.ts';

interface Props {
  filters: AlertFilters;
  onChange: (filters: AlertFilters) => void;
}

export function AlertFiltersBar({ filters, onChange }: Props) {
  const { lang } = useFormat();
  const { t } = useTranslation('screens');
  const { t: tAlerts } = useTranslation('alerts');
  const governorates = useGovernorates();
  const set = <K extends keyof AlertFilters>(key: K, value: string) => onChange({ ...filters, [key]: value as AlertFilters[K] });
  const byName = Object.values(governorates).sort(byPlaceName(lang));
  return (
    <fieldset className="alert-filters" data-testid="alert-filters">
      <legend>{t('filters')}</legend>
      <label>
        <span>{t('filterSeverity')}</span>
        <select value={filters.severity} onChange={(e) => set('severity', e.target.value)} data-testid="filter-severity">
          <option value="all">{t('filterAll')}</option>
          <option value="critical">{tAlerts('severity_critical')}</option>
          <option value="warning">{tAlerts('severity_warning')}</option>
        </select>
      </label>
      <label>
        <span>{t('filterState')}</span>
        <select value={filters.state} onChange={(e) => set('state', e.target.value)} data-testid="filter-state">
          <option value="all">{t('filterAll')}</option>
          <option value="active">{tAlerts('state_active')}</option>
          <option value="acknowledged">{tAlerts('state_acknowledged')}</option>
        </select>
      </label>
      <label>
        <span>{t('filterRule')}</span>
        <select value={filters.rule} onChange={(e) => set('rule', e.target.value)} data-testid="filter-rule">
          <option value="all">{t('filterAll')}</option>
          {AlertRule.options.map((rule) => (
            <option key={rule} value={rule}>
              {t(`rule_${rule}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('filterGovernorate')}</span>
        <select value={filters.governorate} onChange={(e) => set('governorate', e.target.value)} data-testid="filter-governorate">
          <option value="all">{t('filterAll')}</option>
          {byName.map((g) => (
            <option key={g.pcode} value={g.pcode}>
              {placeName(g, lang)}
            </option>
          ))}
        </select>
      </label>
      {isFiltering(filters) ? (
        <button type="button" onClick={() => onChange({ ...NO_FILTERS })}>
          {t('filterClear')}
        </button>
      ) : null}
    </fieldset>
  );
}
