import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the audit console (renderer/console) into dist/console, apart from the app's renderer:
 * its own entry and chunks, none of them in the desktop app's bundle. `scriptdesk server` serves
 * the folder at /console/; `base: './'` keeps every URL relative to that, and the output has no
 * inline script (the console's CSP allows scripts only from the server itself).
 */
export default defineConfig({
  root: here('./renderer/console'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist/console'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'charts',
              test: /node_modules[\\/](?:@mui[\\/]x-|d3-|@mui[\\/]x-internals)/,
              priority: 20,
            },
            { name: 'framework', test: /node_modules[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
