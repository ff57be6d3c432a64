// Drills from the browser (admins): the scenarios, the drill running or last ended, start and stop.
import { Router, type Response } from 'express';
import { DrillStart } from '../../shared/scenario.ts';
import { DrillRefused, type Drills } from '../drills.ts';
import { ApiError, invalidBody } from './apiError.ts';
import { allow, principalOf } from './middleware.ts';

const requestIdOf = (res: Response) => String(res.getHeader('x-request-id') ?? '');

function refusal(err: unknown): unknown {
  if (!(err instanceof DrillRefused)) return err;
  if (err.status === 409) return new ApiError(409, 'conflict', err.message);
  return new ApiError(422, 'unprocessable', err.message, [{ field: err.field ?? '(body)', message: err.message }]);
}

export function drillRoutes({ drills }: { drills: Drills }): Router {
  const router = Router();

  router.get('/drills/scenarios', allow('administer'), (_req, res) => {
    res.json(drills.scenarios());
  });

  router.get('/drills/current', allow('administer'), (_req, res) => {
    res.json({ drill: drills.current() });
  });

  router.post('/drills', allow('administer'), async (req, res) => {
    const body = DrillStart.safeParse(req.body);
    if (!body.success) throw invalidBody(body.error, 'drill');
    const started = await drills.start(body.data.scenario, body.data.speed, principalOf(res), requestIdOf(res)).catch((err: unknown) => {
      throw refusal(err);
    });
    res.status(201).json(started);
  });

  router.delete('/drills/current', allow('administer'), async (_req, res) => {
    const stopped = await drills.stop(principalOf(res), requestIdOf(res)).catch((err: unknown) => {
      throw refusal(err);
    });
    res.json(stopped);
  });

  return router;
}
