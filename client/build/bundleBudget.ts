// Build-time: the JavaScript each screen loads, gzipped, held to a budget per screen. `vite build`
// fails when a screen goes over: a field phone on a slow link pays for every kilobyte of /report.
import { gzipSync } from 'node:zlib';
import type { Plugin, Rolldown } from 'vite';
import { LANGUAGES } from '../../shared/language.ts';
import { LOCALE_FILE, SCREEN_NAMESPACES, withNested, type ScreenName } from '../i18n/namespaces.ts';

/**
 * The budgets, in one place: gzipped kB of page scripts (the entry, the screen's chunk and all they
 * import statically, and the screen's words in one language; MapLibre's worker, started later, is not
 * counted). Measured on 1 December 2026, once words loaded per screen and language and Preact took
 * React's place (vite.config.ts), and set just above: / 390.6 kB, /wall 385.3, /g/:pcode 391.5,
 * /report 80.3 (with React 19: 447.0, 441.7, 447.9, 136.5). /report's goal is 100 kB; of its 80 kB,
 * zod with the shared schemas is 27, i18next 14, the screen 12, Preact 10.6 (bench/README.md).
 */
export const BUNDLE_BUDGETS_KB: Record<string, { module: RegExp; words: ScreenName; kB: number }> = {
  '/': { module: /\/features\/overview\/OverviewScreen\.tsx$/, words: 'overview', kB: 393 },
  '/wall': { module: /\/features\/wall\/WallScreen\.tsx$/, words: 'wall', kB: 388 },
  '/g/:pcode': { module: /\/features\/governorate\/GovernorateScreen\.tsx$/, words: 'governorate', kB: 394 },
  '/report': { module: /\/features\/report\/ReportScreen\.tsx$/, words: 'report', kB: 83 },
};

export interface ScreenWeight {
  screen: string;
  kB: number;
  budgetKB: number;
  chunks: { file: string; kB: number }[];
}

/**
 * Each screen's page scripts in `bundle`: the HTML entry's chunk, the screen's own, and their static
 * imports, and the locale chunks of the screen's namespaces (namespaces.ts) in its wordiest language:
 * they load at start beside the screen's chunk, one language at a time.
 */
export function screenWeights(bundle: Rolldown.OutputBundle): ScreenWeight[] {
  const chunks = Object.values(bundle).filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const gzipped = new Map<string, number>();
  const weight = (chunk: Rolldown.OutputChunk) => {
    let kB = gzipped.get(chunk.fileName);
    if (kB === undefined) gzipped.set(chunk.fileName, (kB = gzipSync(chunk.code, { level: 9 }).length / 1024));
    return kB;
  };
  const entries = chunks.filter((c) => c.isEntry);
  const locales = chunks.flatMap((c) => {
    const [, lang, ns] = (c.facadeModuleId && LOCALE_FILE.exec(c.facadeModuleId)) || [];
    return lang && ns ? [{ lang, ns, chunk: c }] : [];
  });
  return Object.entries(BUNDLE_BUDGETS_KB).map(([screen, { module, words, kB: budgetKB }]) => {
    const own = chunks.find((c) => c.facadeModuleId !== null && module.test(c.facadeModuleId));
    if (!own) throw new Error(`bundle budget: no chunk for ${screen} (${String(module)}); update BUNDLE_BUDGETS_KB`);
    const seen = new Set<string>();
    const visit = (chunk: Rolldown.OutputChunk) => {
      if (seen.has(chunk.fileName)) return;
      seen.add(chunk.fileName);
      for (const file of chunk.imports) {
        const imported = byFile.get(file);
        if (imported) visit(imported);
      }
    };
    for (const entry of entries) visit(entry);
    visit(own);
    const namespaces: string[] = withNested(SCREEN_NAMESPACES[words]);
    const byLanguage = LANGUAGES.map((lang) => locales.filter((l) => l.lang === lang && namespaces.includes(l.ns)).map((l) => l.chunk));
    const wordiest = byLanguage.reduce((a, b) => (b.reduce((s, c) => s + weight(c), 0) > a.reduce((s, c) => s + weight(c), 0) ? b : a));
    for (const chunk of wordiest) visit(chunk);
    const list = [...seen].map((file) => ({ file, kB: weight(byFile.get(file)!) })).sort((a, b) => b.kB - a.kB);
    return { screen, kB: list.reduce((sum, c) => sum + c.kB, 0), budgetKB, chunks: list };
  });
}

/** Fails the build when a screen's page scripts exceed its budget, naming the heaviest chunks. */
export function bundleBudgetPlugin(): Plugin {
  return {
    name: 'amina-bundle-budget',
    apply: 'build',
    // Weighed once the files are written, before other plugins' closing steps (the service worker),
    // so that the message saying which screen is over is the one the build stops with.
    writeBundle(_options, bundle) {
      const over: string[] = [];
      for (const w of screenWeights(bundle)) {
        const line = `${w.screen}: ${w.kB.toFixed(1)} kB gzipped (budget ${w.budgetKB} kB)`;
        if (w.kB > w.budgetKB) over.push(`${line}; heaviest: ${w.chunks.slice(0, 4).map((c) => `${c.file} ${c.kB.toFixed(1)} kB`).join(', ')}`);
        else this.info(line);
      }
      if (over.length) this.error(`Bundle budget exceeded (client/build/bundleBudget.ts):\n${over.join('\n')}`);
    },
  };
}
