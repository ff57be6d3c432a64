// How many items of each of several lists fit in one box whose height the layout decides (the wall's
// side column): the lists share the room, and each says "+ N more" for what it could not show.
import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * One item fewer, from the list that shows the most (the later one on a tie), keeping one in each
 * list as long as any list has more; null when every list is empty already.
 */
export function withOneFewer(shown: readonly number[]): number[] | null {
  let longest = -1;
  for (let i = 0; i < shown.length; i++) if (shown[i]! > 0 && (longest < 0 || shown[i]! >= shown[longest]!)) longest = i;
  if (longest < 0) return null;
  const next = [...shown];
  next[longest]! -= 1;
  return next;
}

/**
 * Starts from every item of every list and, while the box's content overflows it, takes one away
 * (`withOneFewer`). That happens in layout effects, before the browser paints, and only ever
 * shrinks, so it settles within the frame. New lists (`key`, `totals`) or a resized box start again
 * from all. The box must not take its height from its content, or nothing would ever overflow.
 */
export function useFitCounts(box: RefObject<HTMLElement | null>, totals: readonly number[], key: string): number[] {
  const listsKey = `${key}|${totals.join(',')}`;
  const [round, setRound] = useState(0);
  const [fit, setFit] = useState({ listsKey, round, shown: [...totals] });
  // new lists or a new box size: measure from all items again (state adjusted during render)
  if (fit.listsKey !== listsKey || fit.round !== round) setFit({ listsKey, round, shown: [...totals] });

  useLayoutEffect(() => {
    const element = box.current;
    if (!element || element.scrollHeight <= element.clientHeight + 1) return;
    const fewer = withOneFewer(fit.shown);
    if (fewer) setFit((f) => ({ ...f, shown: fewer }));
  });

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    let height = element.clientHeight;
    const observer = new ResizeObserver(() => {
      if (element.clientHeight === height) return;
      height = element.clientHeight;
      setRound((n) => n + 1);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [box]);

  return totals.map((total, i) => Math.min(total, fit.shown[i] ?? total));
}
