// Builds the dashboard into dist/client; the server serves it. In development, /api and the socket go to the server.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { bundleBudgetPlugin } from './client/build/bundleBudget.ts';
import { reportOfflinePlugins } from './client/build/offlineShell.ts';

export default defineConfig({
  root: 'client',
  resolve: {
    // Preact in React's place, for the client and every library it uses (react-i18next, zustand,
    // recharts' react-redux): /report's first load on a field phone is a third lighter (issue 20).
    // Exact names, so that one alias does not swallow another's subpath.
    alias: [
      { find: /^react$/, replacement: 'preact/compat' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-runtime' },
    ],
  },
  // The budget check last: it weighs the chunks as they will be served.
  plugins: [react(), ...reportOfflinePlugins(), bundleBudgetPlugin()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // The map and the charts in chunks of their own: cached across releases, loaded only by the screens that draw them.
        manualChunks(id: string) {
          if (/node_modules\/(preact|use-sync-external-store)\//.test(id)) return 'preact';
          if (id.includes('node_modules/maplibre-gl/')) return 'maplibre';
          if (/node_modules\/(recharts|d3-|victory-vendor|decimal\.js-light)/.test(id)) return 'recharts';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
});
