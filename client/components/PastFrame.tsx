// A screen that shows the past cannot be taken for the live one: a violet frame round the whole
// viewport and a banner with the moment, fixed above everything and click-through, for as long as it
// does. Nothing while live.
import { useTranslation } from 'react-i18next';
import { useDashboard } from '../store/store.ts';
import { useFormat } from './format.ts';

export function PastFrame() {
  const { t } = useTranslation('analyst');
  const { format } = useFormat();
  const pastAt = useDashboard((s) => s.pastAt);
  if (pastAt === null) return null;
  return (
    <>
      <div className="past-frame" aria-hidden="true" data-testid="past-frame" />
      <div className="past-banner" role="status" data-testid="past-banner" data-at={pastAt}>
        <strong>{t('pastBanner')}</strong>
        <span>{t('pastAsKnown', { at: format.dateTime(pastAt) })}</span>
        <span aria-hidden="true">·</span>
        <span>{t('pastWaiting')}</span>
      </div>
    </>
  );
}
