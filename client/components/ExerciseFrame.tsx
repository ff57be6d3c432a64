// A drill's screen cannot be mistaken for the real one: a striped frame round the whole viewport and a
// banner in all three languages, with nothing to close or hide them. Without ?exercise, nothing.
import { Fragment } from 'react';
import { viewedWorld } from '../lib/world.ts';
import { EXERCISE_WORDS } from './strings.ts';

export function ExerciseFrame() {
  if (viewedWorld() !== 'exercise') return null;
  return (
    <>
      <div className="exercise-frame" aria-hidden="true" data-testid="exercise-frame" />
      {/* the same order in every language, each word its own box, so the page's direction never reorders them */}
      <div className="exercise-banner" role="note" dir="ltr" data-testid="exercise-banner">
        <span className="exercise-label">
          {EXERCISE_WORDS.map((word, i) => (
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
