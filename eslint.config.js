// Lint rules, including the folders' boundaries the README describes, as an allow-list: every
// import a folder may make is listed here, and anything else is refused (eslint-plugin-boundaries).
// `eslint.test.ts` feeds each forbidden pattern to ESLint and expects it refused.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** What each part of the project is, by path; the first pattern that matches a file wins. */
const ELEMENTS = [
  { type: 'shared-testing', pattern: 'shared/testing/**' },
  { type: 'shared', pattern: 'shared/**' },
  { type: 'server-testing', pattern: 'server/testing/**' },
  // the adapters: only the entry point (and tests, scripts, bench) may name one
  { type: 'server-adapter', pattern: ['server/storage/sqlite/**', 'server/storage/postgres/**'] },
  { type: 'server-storage', pattern: 'server/storage/**' },
  { type: 'server-http', pattern: 'server/http/**' },
  { type: 'server', pattern: 'server/**' },
  // what the build makes of the client (the field form's offline shell): read by vite.config.ts only
  { type: 'client-build', pattern: 'client/build/**' },
  { type: 'client-feature', pattern: 'client/features/*', capture: ['feature'] },
  { type: 'client-components', pattern: 'client/components/**' },
  { type: 'client-store', pattern: 'client/store/**' },
  { type: 'client-lib', pattern: 'client/lib/**' },
  { type: 'client-i18n', pattern: ['client/i18n/**', 'client/locales/**'] },
  { type: 'client-styles', pattern: 'client/styles/**' },
  // what is left directly in client/: the entry point and its type declarations
  { type: 'client-main', pattern: 'client' },
  { type: 'fixtures', pattern: 'fixtures/**' },
  { type: 'scripts', pattern: 'scripts/**' },
  { type: 'bench', pattern: 'bench/**' },
  { type: 'e2e', pattern: 'e2e/**' },
];

/** Single files with a role of their own inside their folder's element. */
const FILES = [
  { category: 'test', pattern: ['**/*.test.ts', '**/*.test.tsx', 'server/storage/storeContract.ts'] },
  // the one place that picks a storage adapter
  { category: 'entry', pattern: 'server/main.ts' },
];

const types = (...anyOf) => ({ element: { types: { anyOf } } });
const own = (type) => ({ element: { type } });
const packages = (...anyOf) => ({ module: { origin: 'external', source: anyOf } });
const nodeCore = { module: { origin: 'core' } };
const anyPackage = { module: { origin: 'external' } };

/** The browser's own packages: what the dashboard may ship, and nothing of the server's. */
const CLIENT_PACKAGES = [
  'react',
  'react-dom',
  'react-i18next',
  'i18next',
  'zustand',
  'maplibre-gl',
  'recharts',
  'socket.io-client',
  'idb',
  'workbox-window',
  // the field form's service worker (client/features/report/sw.ts)
  'workbox-core',
  'workbox-precaching',
  'workbox-routing',
  'virtual:pwa-register',
  '@fontsource/noto-sans-arabic',
  'zod',
  'uuid',
  // QR codes of enrolment links, drawn in the browser (admin area)
  'qrcode',
  // type declarations only
  'geojson',
];
/** Packages that only tests, and the tools that build and check, may use. */
const TEST_PACKAGES = ['vitest', 'fast-check', 'playwright-core', '@axe-core/playwright', 'csv-parse', 'csv-parse/**', 'geojson'];

const SERVER_ELEMENTS = ['server', 'server-http', 'server-storage', 'shared'];

const POLICIES = [
  // shared/ is pure: zod and itself, nothing else.
  { from: own('shared'), allow: { to: types('shared') } },
  { from: own('shared'), allow: { to: packages('zod') } },
  { from: own('shared-testing'), allow: { to: types('shared', 'shared-testing') } },

  // The server: its layers, the shared code, Node and any package; never the client, and the adapters
  // only from the entry point.
  { from: own('server-storage'), allow: { to: [types('server-storage', 'shared'), nodeCore, anyPackage] } },
  { from: own('server-adapter'), allow: { to: [types('server-adapter', 'server-storage', 'shared'), nodeCore, anyPackage] } },
  { from: own('server-http'), allow: { to: [types(...SERVER_ELEMENTS), nodeCore, anyPackage] } },
  { from: own('server'), allow: { to: [types(...SERVER_ELEMENTS), nodeCore, anyPackage] } },
  { from: { file: { categories: 'entry' } }, allow: { to: types('server-adapter') } },
  { from: own('server-testing'), allow: { to: [types(...SERVER_ELEMENTS, 'server-adapter', 'server-testing', 'shared-testing'), nodeCore, anyPackage] } },

  // The client: features use components, the store, lib and words, never another feature; components
  // and the store never reach up into a feature; nothing of the server, nothing of Node.
  { from: own('client-main'), allow: { to: [types('client-feature', 'client-components', 'client-store', 'client-lib', 'client-i18n', 'client-styles', 'shared'), packages(...CLIENT_PACKAGES)] } },
  { from: own('client-feature'), allow: { to: [{ element: { type: 'client-feature', captured: { feature: '{{ from.captured.feature }}' } } }, types('client-components', 'client-store', 'client-lib', 'client-i18n', 'client-styles', 'shared'), packages(...CLIENT_PACKAGES)] } },
  { from: own('client-components'), allow: { to: [types('client-components', 'client-store', 'client-lib', 'client-i18n', 'client-styles', 'shared'), packages(...CLIENT_PACKAGES)] } },
  { from: own('client-lib'), allow: { to: [types('client-lib', 'client-store', 'client-i18n', 'shared'), packages(...CLIENT_PACKAGES)] } },
  { from: own('client-store'), allow: { to: [types('client-store', 'shared'), packages(...CLIENT_PACKAGES)] } },
  { from: own('client-i18n'), allow: { to: [types('client-i18n', 'client-lib', 'shared'), packages(...CLIENT_PACKAGES)] } },
  // the build reads which screen loads which words (client/i18n/namespaces.ts) to weigh and keep them
  { from: own('client-build'), allow: { to: [types('client-build', 'client-i18n', 'shared'), nodeCore, packages('vite', 'vite-plugin-pwa')] } },

  // The tools around: fixtures, scripts, benchmarks and browser tests use what they check or run
  // (the bench's browser rows drive Chromium with the browser tests' own helpers).
  { from: own('fixtures'), allow: { to: [types('fixtures', 'shared'), nodeCore, packages('zod', '@turf/**')] } },
  { from: own('scripts'), allow: { to: [types('scripts', ...SERVER_ELEMENTS, 'server-adapter', 'server-testing', 'shared-testing'), nodeCore, anyPackage] } },
  { from: own('bench'), allow: { to: [types('bench', 'e2e', 'scripts', ...SERVER_ELEMENTS, 'server-adapter', 'server-testing'), nodeCore, anyPackage] } },
  { from: own('e2e'), allow: { to: [types('e2e', 'server-testing', 'server-adapter', 'server-storage', 'scripts', 'fixtures', 'shared', 'shared-testing', 'client-store', 'client-lib'), nodeCore, anyPackage] } },
  
  // Tests beside the code may use the test tools and the helpers of their own side.
  { from: { file: { categories: 'test' } }, allow: { to: [packages(...TEST_PACKAGES), nodeCore] } },
  { from: { file: { categories: 'test' }, element: { types: { anyOf: ['server', 'server-http', 'server-storage', 'server-adapter', 'scripts', 'fixtures'] } } }, allow: { to: types('server', 'server-testing', 'server-adapter', 'shared-testing', 'scripts', 'fixtures') } },
  { from: { file: { categories: 'test' }, element: { types: { anyOf: ['shared', 'client-feature', 'client-components', 'client-store', 'client-lib', 'client-i18n', 'client-build'] } } }, allow: { to: types('shared-testing') } },
];

/** What shared/ may not touch: the world outside its arguments. */
const IMPURE_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'crypto', 'performance', 'process', 'setTimeout', 'setInterval', 'fetch'].map((name) => ({
  name,
  message: 'shared/ is pure: take what you need as an argument.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'server/http/docsAssets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.{ts,tsx,js}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.json'] } },
      'boundaries/elements': ELEMENTS,
      'boundaries/files': FILES,
      // the tools' own configuration files at the root are not part of any layer
      'boundaries/ignore': ['**/*.css', '**/*.json', '*.config.ts', '*.config.js'],
    },
    rules: {
      'boundaries/dependencies': [2, { default: 'disallow', checkAllOrigins: true, checkUnknownLocals: true, policies: POLICIES }],
      'boundaries/no-unknown-files': 2,
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', ...IMPURE_GLOBALS],
      // (one list: a later block naming this rule would replace it, not add to it)
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'shared/ takes time as an argument.' },
        { object: 'Math', property: 'random', message: 'shared/ is deterministic.' },
        { object: 'process', property: 'env', message: 'Only server/config.ts reads the environment: take a Config.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'shared/ takes time as an argument.' },
        { selector: "CallExpression[callee.name='Date']", message: 'shared/ takes time as an argument.' },
      ],
    },
  },
  {
    // Only server/config.ts reads the environment; everything else is handed a Config.
    files: ['server/**/*.ts', 'client/**/*.{ts,tsx}', 'scripts/**/*.ts'],
    ignores: ['server/config.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only server/config.ts reads the environment: take a Config.' },
      ],
    },
  },
);
