// The device clock as React state, ticking at `intervalMs`: ages and the wall's clock move with it.
import { useEffect, useState } from 'react';

export function useNow(intervalMs = 10_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
