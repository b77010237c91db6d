import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type Rolldown } from 'vite';

type ChunkingContext = Rolldown.ChunkingContext;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Libraries every page needs: React, Emotion, Material UI. Not react-jsonschema-form and its
 * helpers, nor Zod (loaded later). Split by `frameworkChunk` into what the first screen uses and
 * the rest.
 */
const FRAMEWORK =
  /node_modules[\\/](?:react|react-dom|scheduler|@emotion[\\/][^\\/]+|@mui[\\/][^\\/]+|@popperjs[\\/]core|stylis|@babel[\\/]runtime|clsx|react-is|hoist-non-react-statics|prop-types|react-transition-group|dom-helpers)[\\/]/;

// With the theme mirror (the entry paints the page in the user's colours before anything loads)
// and the collator the entry builds while it waits.
const START =
  /(?:vite[\\/]preload-helper|rolldown[\\/]runtime|renderer[\\/]src[\\/](?:(?:routing|transport)[\\/]|settings[\\/]theme-mirror\.ts$|text-order\.ts$))/;

const CONTRACT =
  /(?:node_modules[\\/]zod[\\/]|renderer[\\/]src[\\/](?:zod-jitless|contract-values)\.ts$|main[\\/]contract[\\/])/;

/** The window's frame: what every page builds on (not the pages, the form or the dialogs). */
/** papaparse, react-markdown, remark-gfm and the unified/micromark packages beneath them. */
const PREVIEW_LIBRARIES =
  /node_modules[\\/](papaparse|react-markdown|remark-[^\\/]+|micromark[^\\/]*|(mdast|hast|unist)-util-[^\\/]+|unified|vfile[^\\/]*|bail|trough|devlop|extend|is-plain-obj|ccount|character-[^\\/]+|(comma|space)-separated-tokens|decode-named-character-reference|estree-util-is-identifier-name|html-url-attributes|inline-style-parser|style-to-[^\\/]+|is-(alphabetical|alphanumerical|decimal|hexadecimal)|longest-streak|markdown-table|parse-entities|property-information|stringify-entities|trim-lines|zwitch|@ungap[\\/]structured-clone)[\\/]/;
const WINDOW =
  /renderer[\\/]src[\\/](?:window\.tsx|app\.tsx|theme\.ts|(?:api|common|layout|catalogue|audit)[\\/](?!delivery-details))/;

/** The modules the first screen opens with: the entry, the window and the Scripts page. */
const FIRST_SCREEN_ROOTS = [
  'renderer/src/main.tsx',
  'renderer/src/window.tsx',
  'renderer/src/scripts/scripts-page.tsx',
].map((file) => here(`./${file}`));

const firstScreens = new WeakMap<ChunkingContext, Set<string>>();

/** Every module the first screen's modules import, directly or not, without dynamic imports. */
function firstScreenModules(context: ChunkingContext): Set<string> {
  let reached = firstScreens.get(context);
  if (reached) return reached;
  reached = new Set<string>();
  const pending = [...FIRST_SCREEN_ROOTS];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (reached.has(id)) continue;
    const info = context.getModuleInfo(id);
    if (!info) throw new Error(`frameworkChunk: the build has no module ${id}`);
    reached.add(id);
    pending.push(...info.importedIds);
  }
  firstScreens.set(context, reached);
  return reached;
}

/**
 * `framework` holds the libraries' modules the first screen runs; `widgets` the rest of Material
 * UI (dialogs, text fields, menus, tables: what the form, the dialogs and the other places use),
 * loaded with the first place that needs them, so the first screen parses ~100 KB less.
 */
function frameworkChunk(id: string, context: ChunkingContext): string {
  return firstScreenModules(context).has(id) ? 'framework' : 'widgets';
}

/**
 * Adds `<link rel="modulepreload">` for the window's code and the Scripts page (where the window
 * opens unless the address names another place) to index.html, so the browser fetches them
 * alongside the small entry script instead of after it has run.
 */
function preloadFirstScreen(): Plugin {
  const FIRST = [
    /renderer[\\/]src[\\/]window\.tsx$/,
    /renderer[\\/]src[\\/]scripts[\\/]scripts-page\.tsx$/,
  ];
  return {
    name: 'scriptdesk-preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const chunks = Object.values(context.bundle ?? {}).flatMap((output) =>
          output.type === 'chunk' ? [output] : [],
        );
        const files = new Set<string>();
        for (const pattern of FIRST) {
          const chunk = chunks.find((candidate) =>
            Object.keys(candidate.modules).some((id) => pattern.test(id)),
          );
          if (!chunk) throw new Error(`preloadFirstScreen: no chunk holds ${pattern}`);
          for (const file of [chunk.fileName, ...chunk.imports]) files.add(file);
        }
        return [...files]
          .filter((file) => !html.includes(file))
          .map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          }));
      },
    },
  };
}

/**
 * Builds the renderer into dist/renderer. `base: './'` keeps asset URLs relative, so the same
 * files load from the loopback web host and from the Electron shell. The output has no inline
 * scripts (the page's CSP allows scripts only from the app itself); Emotion's runtime style
 * tags are the one thing that needs `'unsafe-inline'` for style-src.
 */
export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react(), preloadFirstScreen()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    // Everything is served from the same origin or the app bundle: no data: URLs for assets.
    assetsInlineLimit: 0,
    // The polyfill is not needed by Chromium and would add code to the entry for nothing.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      output: {
        // A few larger chunks rather than dozens of small shared ones: each request costs more
        // than its bytes on a busy machine. React, Emotion and Material UI make one chunk every
        // page needs; react-jsonschema-form and what only it uses another, loaded with the form.
        codeSplitting: {
          groups: [
            // What the entry script needs before anything else: the module loader's helpers, the
            // routes and the transport. Otherwise they would be pulled into the window's chunk.
            { name: 'start', test: START, priority: 30 },
            // Zod, the contract and the module that makes Zod jitless, in one chunk: across
            // chunks the bundler may run the contract's schemas first (then Zod's eval probe is
            // a CSP violation); within one it keeps the import order of contract-values.ts.
            { name: 'contract', test: CONTRACT, priority: 25 },
            // Captured first, so the form's libraries cannot pull React or Material UI into theirs.
            { name: frameworkChunk, test: FRAMEWORK, priority: 20 },
            // The window's own shared pieces (common components, API hooks) travel with it.
            { name: 'window', test: WINDOW, priority: 15 },
            // The output previews' parsers (CSV, Markdown), loaded with the preview dialog only.
            { name: 'preview-libraries', test: PREVIEW_LIBRARIES, priority: 12 },
            { name: 'form-libraries', test: /node_modules[\\/](?!zod[\\/])/, priority: 10 },
          ],
        },
      },
    },
  },
});
