// Loads what changes rarely (shapes, context layers, the site registry, thresholds, the token's role)
// into the store. A refused token is reported to the store so the screen can say what to do.
import { ContextCollection, GovernorateCollection, Site, Thresholds, Whoami } from '../../shared/schemas.ts';
import { useDashboard } from '../store/store.ts';
import { ApiRequestError, apiRequest } from './api.ts';
import { getToken } from './session.ts';

const CONTEXT_LAYERS = ['neighbours', 'physical', 'outline'] as const;

export async function loadReference(signal?: AbortSignal): Promise<void> {
  const store = useDashboard.getState();
  if (!getToken()) {
    store.setAuthProblem('missing');
    return;
  }
  try {
    const [me, shapes, sites, thresholds] = await Promise.all([
      apiRequest('/api/me', Whoami, { signal }),
      apiRequest('/api/governorates', GovernorateCollection, { signal }),
      apiRequest('/api/sites', Site.array(), { signal }),
      apiRequest('/api/thresholds', Thresholds, { signal }),
    ]);
    store.setRole(me.role);
    store.setGovernorateShapes(shapes);
    store.setSites(sites);
    store.setThresholds(thresholds);
    await Promise.all(
      CONTEXT_LAYERS.map(async (layer) => {
        store.setContextLayer(layer, await apiRequest(`/api/context/${layer}`, ContextCollection, { signal }));
      }),
    );
  } catch (error) {
    if (error instanceof ApiRequestError && (error.status === 401 || error.status === 403)) {
      store.setAuthProblem('unauthorized');
      return;
    }
    if (signal?.aborted) return;
    throw error;
  }
}
