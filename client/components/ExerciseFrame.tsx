// A drill's screen cannot be mistaken for the real one: a striped frame round the whole viewport and a
// banner in all three languages, with nothing to close or hide them. Without ?exercise, nothing.
import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadWords } from '../i18n/index.ts';
import { directionOf, LANGUAGES } from '../lib/session.ts';
import { viewedWorld } from '../lib/world.ts';

export function ExerciseFrame() {
  const { i18n } = useTranslation();
  const exercise = viewedWorld() === 'exercise';
  // the screen loads its own language's words only: the banner fetches the other two
  const [wordsIn, setWordsIn] = useState(() => LANGUAGES.every((lang) => i18n.hasResourceBundle(lang, 'dashboard')));
  useEffect(() => {
    if (exercise && !wordsIn) loadWords(LANGUAGES, ['dashboard']).then(() => setWordsIn(true), () => undefined);
  }, [exercise, wordsIn]);
  if (!exercise) return null;
  // every language's word, whatever the screen's language, so that everyone in the room reads it
  const words = LANGUAGES.map((lang) => ({ lang, dir: directionOf(lang), text: i18n.getFixedT(lang, 'dashboard')('exerciseBanner') }));
  return (
    <>
      <div className="exercise-frame" aria-hidden="true" data-testid="exercise-frame" />
      {/* the same order in every language, each word its own box, so the page's direction never reorders them */}
      <div className="exercise-banner" role="note" dir="ltr" data-testid="exercise-banner">
        <span className="exercise-label">
          {words.map((word, i) => (
            <Fragment key={word.lang}>
              {i > 0 ? <span aria-hidden="true">{' · '}</span> : null}
              <span lang={word.lang} dir={word.dir}>
                {word.text}
              </span>
            </Fragment>
          ))}
        </span>
      </div>
    </>
  );
}
