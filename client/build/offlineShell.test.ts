// Which built files the phone keeps for /report: the form's graph, never the dashboards' map and charts.
import { describe, expect, it } from 'vitest';
import type { Rolldown } from 'vite';
import { reportShellFiles } from './offlineShell.ts';

function chunk(fileName: string, options: { entry?: boolean; facade?: string; imports?: string[]; css?: string[]; assets?: string[] } = {}) {
  return {
    type: 'chunk',
    fileName,
    isEntry: options.entry ?? false,
    facadeModuleId: options.facade ?? null,
    imports: options.imports ?? [],
    dynamicImports: [],
    viteMetadata: { importedCss: new Set(options.css ?? []), importedAssets: new Set(options.assets ?? []) },
  };
}

const asset = (fileName: string, source: string | Uint8Array = '') => ({ type: 'asset', fileName, source });

function bundle(...items: { fileName: string }[]): Rolldown.OutputBundle {
  return Object.fromEntries(items.map((i) => [i.fileName, i])) as unknown as Rolldown.OutputBundle;
}

describe('reportShellFiles', () => {
  it('keeps the entry, the report screen, their static imports, CSS and the fonts the CSS names', () => {
    const built = bundle(
      chunk('assets/index.js', { entry: true, facade: '/w/client/main.tsx', imports: ['assets/react.js'] }),
      chunk('assets/react.js'),
      chunk('assets/ReportScreen.js', { facade: '/w/client/features/report/ReportScreen.tsx', imports: ['assets/api.js', 'assets/react.js'], css: ['assets/ReportScreen.css'] }),
      chunk('assets/api.js', { imports: ['assets/index.js'] }),
      asset('assets/ReportScreen.css', new TextEncoder().encode("@font-face{src:url(/assets/arabic-400.woff2) format('woff2'),url(\"/assets/arabic-400.woff\")}")),
      asset('assets/arabic-400.woff2'),
      asset('assets/arabic-400.woff'),
      chunk('assets/OverviewScreen.js', { facade: '/w/client/features/overview/OverviewScreen.tsx', imports: ['assets/maplibre.js'], css: ['assets/maplibre.css'] }),
      chunk('assets/maplibre.js'),
      asset('assets/maplibre.css'),
      asset('index.html'),
      // the words /report loads lazily, in every language (the phone may switch offline); not the dashboards'
      ...['en', 'ar', 'ckb'].flatMap((lang) =>
        ['glossary', 'dashboard', 'screens', 'report', 'alerts', 'admin'].map((ns) => chunk(`assets/${ns}-${lang}.js`, { facade: `/w/client/locales/${lang}/${ns}.json` })),
      ),
    );
    expect([...reportShellFiles(built)].sort()).toEqual(
      [
        'index.html',
        'assets/index.js',
        'assets/react.js',
        'assets/ReportScreen.js',
        'assets/api.js',
        'assets/ReportScreen.css',
        'assets/arabic-400.woff2',
        'assets/arabic-400.woff',
        ...['en', 'ar', 'ckb'].flatMap((lang) => ['glossary', 'dashboard', 'screens', 'report'].map((ns) => `assets/${ns}-${lang}.js`)),
      ].sort(),
    );
  });
});
