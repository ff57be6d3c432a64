// The device clock as React state, ticking at `intervalMs`: ages and the wall's clock move with it.
import { useEffect, useState } from 'react';
import { useDashboard } from '../store/store.ts';

export function useNow(intervalMs = 10_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * The time the screen's picture is of: the moment a past picture shows, else the device clock. Ages
 * ("12 minutes ago") and staleness are measured from it, so the past reads as it read then.
 */
export function usePictureNow(intervalMs = 10_000): number {
  const now = useNow(intervalMs);
  const pastAt = useDashboard((s) => s.pastAt);
  return pastAt === null ? now : Date.parse(pastAt);
}
