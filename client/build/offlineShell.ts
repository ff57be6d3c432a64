// Build-time: the service worker that lets /report open with no network and sends its queue by Background
// Sync (vite-plugin-pwa, Workbox injectManifest into client/features/report/sw.ts).
import type { Plugin, Rolldown } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { LOCALE_FILE, SCREEN_NAMESPACES, withNested } from '../i18n/namespaces.ts';

/** The screen whose chunks the phone keeps; the dashboards' (MapLibre, charts) stay on the network. */
const REPORT_MODULE = /\/features\/report\/ReportScreen\.tsx$/;

/** The words /report loads (namespaces.ts), kept in every language: the phone may switch offline. */
const REPORT_WORDS: readonly string[] = withNested(SCREEN_NAMESPACES.report);
const isReportChunk = (module: string) => REPORT_MODULE.test(module) || REPORT_WORDS.includes(LOCALE_FILE.exec(module)?.[2] ?? '');

/**
 * The files /report needs: the entry, the report screen's chunk, what they import statically, their
 * CSS and the fonts that CSS names, and its words in all three languages (loaded lazily, so not in
 * the graph). Walking the bundle's own graph keeps the list right when chunking changes.
 */
export function reportShellFiles(bundle: Rolldown.OutputBundle): Set<string> {
  const shell = new Set<string>(['index.html']);
  const chunks = new Map<string, Rolldown.OutputBundle[string]>(Object.entries(bundle).map(([name, item]) => [name, item]));
  const addCss = (fileName: string) => {
    if (shell.has(fileName)) return;
    shell.add(fileName);
    const css = chunks.get(fileName);
    if (css?.type !== 'asset') return;
    const source = typeof css.source === 'string' ? css.source : new TextDecoder().decode(css.source);
    for (const [, url] of source.matchAll(/url\(\s*['"]?\/?([^'")?#]+)/g)) if (url && chunks.has(url)) shell.add(url);
  };
  const visit = (fileName: string) => {
    if (shell.has(fileName)) return;
    const chunk = chunks.get(fileName);
    if (chunk?.type !== 'chunk') return;
    shell.add(fileName);
    for (const imported of chunk.imports) visit(imported);
    for (const css of chunk.viteMetadata?.importedCss ?? []) addCss(css);
    for (const asset of chunk.viteMetadata?.importedAssets ?? []) shell.add(asset);
  };
  for (const item of chunks.values()) {
    if (item.type === 'chunk' && (item.isEntry || (item.facadeModuleId && isReportChunk(item.facadeModuleId)))) visit(item.fileName);
  }
  return shell;
}

/**
 * `sw.js`, registered by the report screen with scope /report, built from
 * client/features/report/sw.ts (injectManifest): it precaches that screen's shell, answers
 * navigations to /report with the cached index.html, and sends the queue by Background Sync. It has
 * no runtime routes, so API requests always go to the network and nothing the API says is cached.
 */
export function reportOfflinePlugins(): Plugin[] {
  let shell = new Set<string>();
  const collect: Plugin = {
    name: 'amina-report-shell',
    apply: 'build',
    generateBundle(_options, bundle) {
      shell = reportShellFiles(bundle);
    },
  };
  return [
    collect,
    ...VitePWA({
      strategies: 'injectManifest',
      // relative to Vite's root, client/
      srcDir: 'features/report',
      // built as sw.js, the address phones that installed the earlier worker already have
      filename: 'sw.ts',
      // The screen registers the worker itself, with scope /report, so the dashboards never get one.
      injectRegister: false,
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,woff2,svg,png,ico}'],
        // Large dashboard chunks are filtered out below; the limit only keeps Workbox from warning first.
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        manifestTransforms: [async (entries) => ({ manifest: entries.filter((e) => shell.has(e.url)), warnings: [] })],
        // One file, and the same minified worker whoever builds (tests run with NODE_ENV=test).
        rollupFormat: 'iife',
        minify: true,
      },
    }),
  ];
}
