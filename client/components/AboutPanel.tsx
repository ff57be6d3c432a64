// What Amina is and where its map comes from: the attribution the sources ask for, verbatim.
import { useFormat } from './format.ts';
import { ATTRIBUTION } from './strings.ts';

export function AboutPanel({ onClose }: { onClose: () => void }) {
  const { t } = useFormat();
  return (
    <dialog open className="about" aria-labelledby="about-heading" data-testid="about">
      <h2 id="about-heading">{t('about')}</h2>
      <p>{t('aboutText')}</p>
      <h3>{t('attributionTitle')}</h3>
      <p lang="en" dir="ltr">
        {ATTRIBUTION}
      </p>
      <p lang="en" dir="ltr">
        Sites: compiled from public pages (Wikipedia, UNHCR camp profiles, GeoNames, news); each site lists its sources. Arabic and
        Kurdish place names are transliterations that need review. Font: Noto Sans Arabic (SIL Open Font License). Map: MapLibre GL JS
        (BSD-3-Clause).
      </p>
      <button type="button" onClick={onClose}>
        {t('close')}
      </button>
    </dialog>
  );
}
