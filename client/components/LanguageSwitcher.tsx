// Switches the language in place: the page turns right to left for Arabic and Kurdish.
import { switchLanguage } from '../i18n/index.ts';
import { LANGUAGES, rememberLanguage, type Language } from '../lib/session.ts';
import { NATIVE_NAMES } from '../../shared/language.ts';
import { useFormat } from './format.ts';

/** The languages as a select's options, each named in itself. */
export function LanguageOptions() {
  return LANGUAGES.map((l) => (
    <option key={l} value={l} lang={l}>
      {NATIVE_NAMES[l]}
    </option>
  ));
}

export function LanguageSwitcher() {
  const { t, lang } = useFormat();
  const choose = (next: Language) => {
    rememberLanguage(next);
    const url = new URL(window.location.href);
    url.searchParams.set('lang', next);
    history.replaceState(history.state, '', url);
    // the new language's words load first; until then the page stays in the old one, never showing keys
    void switchLanguage(next);
  };
  return (
    <label className="language-switcher">
      <span>{t('language')}</span>
      <select value={lang} onChange={(e) => choose(e.target.value as Language)} data-testid="language">
        <LanguageOptions />
      </select>
    </label>
  );
}
