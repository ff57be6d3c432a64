// Each screen lists every namespace its components ask for: one missing would blank the screen while
// its words load, and on /report would be missing offline (the service worker keeps only the list's).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREEN_NAMESPACES, withNested, type ScreenName } from './namespaces.ts';

const CLIENT = path.resolve(import.meta.dirname, '..');

const SCREEN_MODULES: Record<ScreenName, string> = {
  overview: 'features/overview/OverviewScreen.tsx',
  wall: 'features/wall/WallScreen.tsx',
  governorate: 'features/governorate/GovernorateScreen.tsx',
  report: 'features/report/ReportScreen.tsx',
  sitrep: 'features/sitrep/SitrepScreen.tsx',
  admin: 'features/admin/AdminScreen.tsx',
  adminops: 'features/admin/AdminOpsScreen.tsx',
};

const STATIC_IMPORT = /^\s*(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm;
const DYNAMIC_IMPORT = /import\(\s*'(\.[^']+)'\s*\)/g;
/** How a component asks for words; `useFormat` and a bare `useTranslation()` mean `dashboard`. */
const ASKS = [
  { pattern: /useTranslation\(\s*'(\w+)'/g },
  { pattern: /getFixedT\([^,()]+,\s*'(\w+)'/g },
  { pattern: /useTranslation\(\s*\)|useFormat\(\)/g, ns: 'dashboard' },
];

/** The client modules `file` reaches: static imports, and dynamic ones when `dynamic` (a screen's own lazy parts). */
function reach(file: string, dynamic: boolean, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !fs.existsSync(file)) return seen;
  seen.add(file);
  const source = fs.readFileSync(file, 'utf8');
  const targets = [...source.matchAll(STATIC_IMPORT)].map((m) => m[1] ?? m[2]!);
  if (dynamic) targets.push(...[...source.matchAll(DYNAMIC_IMPORT)].map((m) => m[1]!));
  for (const target of targets) {
    const resolved = path.resolve(path.dirname(file), target);
    if (/\.tsx?$/.test(resolved) && resolved.startsWith(CLIENT + path.sep)) reach(resolved, dynamic, seen);
  }
  return seen;
}

function asked(files: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    for (const { pattern, ns } of ASKS) {
      for (const m of source.matchAll(pattern)) {
        const name = ns ?? m[1]!;
        out.set(name, [...(out.get(name) ?? []), path.relative(CLIENT, file)]);
      }
    }
  }
  return out;
}

describe('SCREEN_NAMESPACES', () => {
  const everyScreen = reach(path.join(CLIENT, 'main.tsx'), false);

  it.each(Object.keys(SCREEN_MODULES) as ScreenName[])('lists what the %s screen asks for', (screen) => {
    const files = reach(path.join(CLIENT, SCREEN_MODULES[screen]), true, new Set(everyScreen));
    const used = asked(files);
    // the scan finds something: a screen that asks for nothing means the patterns went stale
    expect(used.size).toBeGreaterThan(0);
    const listed = withNested(SCREEN_NAMESPACES[screen]);
    const missing = [...used].filter(([ns]) => !(listed as string[]).includes(ns)).map(([ns, where]) => `${ns} (${[...new Set(where)].join(', ')})`);
    expect(missing).toEqual([]);
  });
});
