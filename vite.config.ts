import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the renderer into dist/renderer. `base: './'` keeps asset URLs relative, so the same
 * files load from the loopback web host and from the Electron shell. The output has no inline
 * scripts (the page's CSP allows scripts only from the app itself); Emotion's runtime style
 * tags are the one thing that needs `'unsafe-inline'` for style-src.
 */
export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    // Everything is served from the same origin or the app bundle: no data: URLs for assets.
    assetsInlineLimit: 0,
    // The polyfill is not needed by Chromium and would add code to the entry for nothing.
    modulePreload: { polyfill: false },
    // One desktop bundle read from disk or loopback; its size is not a page-load concern.
    chunkSizeWarningLimit: 3000,
  },
});
