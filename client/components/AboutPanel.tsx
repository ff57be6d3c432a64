// What Amina is and where its map comes from: the attribution the sources ask for, verbatim.
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';
import { ATTRIBUTION, SOURCES } from './attribution.ts';

export function AboutPanel({ onClose }: { onClose: () => void }) {
  const { t, lang } = useFormat();
  const { t: tScreens } = useTranslation('screens');
  return (
    <dialog open className="about" aria-labelledby="about-heading" data-testid="about">
      <h2 id="about-heading">{t('about')}</h2>
      <p>{t('aboutText')}</p>
      <h3>{t('attributionTitle')}</h3>
      <p>{tScreens('attribution')}</p>
      <p>{tScreens('sources')}</p>
      {lang === 'en' ? null : (
        <>
          <h4>{tScreens('attributionOriginal')}</h4>
          <p lang="en" dir="ltr">
            {ATTRIBUTION}
          </p>
          <p lang="en" dir="ltr">
            {SOURCES}
          </p>
        </>
      )}
      <button type="button" onClick={onClose}>
        {t('close')}
      </button>
    </dialog>
  );
}
