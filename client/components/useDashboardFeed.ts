// Starts a screen's data: the reference data once, then the live feed, for as long as the screen shows.
import { useEffect, useMemo, useState } from 'react';
import type { Governorate } from '../../shared/schemas.ts';
import { startRealtime } from '../lib/realtime.ts';
import { loadReference } from '../lib/reference.ts';
import { useDashboard } from '../store/store.ts';

declare global {
  interface Window {
    /** the store, for browser tests and measurements; set only with ?testhooks in the address */
    aminaStore?: typeof useDashboard;
  }
}

/** Returns an error message when the reference data could not be loaded, else null. */
export function useDashboardFeed(): string | null {
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    if (new URLSearchParams(window.location.search).has('testhooks')) window.aminaStore = useDashboard;
    const controller = new AbortController();
    loadReference(controller.signal).catch((error: unknown) => setLoadError(error instanceof Error ? error.message : String(error)));
    const stop = startRealtime();
    return () => {
      controller.abort();
      stop();
    };
  }, []);
  return loadError;
}

/** Governorate names by p-code, from the shapes' properties. */
export function useGovernorates(): Record<string, Governorate> {
  const shapes = useDashboard((s) => s.governorateShapes);
  return useMemo(() => {
    const out: Record<string, Governorate> = {};
    for (const f of shapes?.features ?? []) {
      const { pcode, nameEn, nameAr, nameCkb } = f.properties;
      out[pcode] = { pcode, nameEn, nameAr, nameCkb };
    }
    return out;
  }, [shapes]);
}
