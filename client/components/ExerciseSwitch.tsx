// Coordinators and admins run drills: they get a link between the real picture and the exercise one.
// Others can still open a drill by its link (?exercise); they are not offered the switch.
import type { Role } from '../../shared/schemas.ts';
import { searchForWorld, viewedWorld } from '../lib/world.ts';
import { useDashboard } from '../store/store.ts';
import { useFormat } from './format.ts';

const MAY_SWITCH: readonly Role[] = ['coordinator', 'admin'];

export function ExerciseSwitch() {
  const { t } = useFormat();
  const role = useDashboard((s) => s.role);
  if (role === null || !MAY_SWITCH.includes(role)) return null;
  const inExercise = viewedWorld() === 'exercise';
  // Built at render: the language switcher rewrites ?lang in place and re-renders this with it.
  const href = window.location.pathname + searchForWorld(window.location.search, inExercise ? 'real' : 'exercise');
  return (
    <a className={`exercise-switch${inExercise ? ' is-exercise' : ''}`} href={href} data-testid="exercise-switch">
      {t(inExercise ? 'exerciseLeave' : 'exerciseOpen')}
    </a>
  );
}
