// `?exercise=only`: which world a read is about. The real picture is the default everywhere.
import type { Request } from 'express';
import type { World } from '../../shared/schemas.ts';
import { ApiError } from './apiError.ts';

/** Values of `exercise` that ask for the exercise world; `?exercise` alone counts too. */
const EXERCISE_VALUES = new Set(['only', '', 'true', '1']);

export function requestedWorld(req: Request): World {
  const raw = req.query.exercise;
  if (raw === undefined) return 'real';
  if (typeof raw === 'string' && EXERCISE_VALUES.has(raw)) return 'exercise';
  throw new ApiError(400, 'invalid', 'Invalid query: exercise must be "only" (the exercise world) or absent (the real one).', [
    { field: 'exercise', message: 'must be "only" or absent' },
  ]);
}
