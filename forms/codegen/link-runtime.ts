import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const requireHere = createRequire(import.meta.url);

/**
 * The library modules Ajv's generated code may `require` at run time for the schemas ScriptDesk
 * accepts (draft-07 keywords, ajv-formats): deep equality for `const`/`enum`/`uniqueItems`, string
 * length in code points for `minLength`/`maxLength`, and the format checks. Anything else (`$async`
 * schemas, other dialects) is refused at `catalogue build` rather than shipped half-linked.
 */
const RUNTIME_MODULES: ReadonlySet<string> = new Set([
  'ajv/dist/runtime/equal',
  'ajv/dist/runtime/ucs2length',
  'fast-deep-equal',
  'ajv-formats/dist/formats',
]);

/** A runtime module the generated code needs that ScriptDesk does not put into validators. */
export class UnsupportedRuntimeModule extends Error {
  constructor(readonly moduleId: string) {
    super(
      `the generated validator needs "${moduleId}" at run time, which ScriptDesk does not bundle into validators; remove the keyword or format that asks for it`,
    );
    this.name = 'UnsupportedRuntimeModule';
  }
}

const REQUIRE_CALL = /\brequire\("([^"\\]+)"\)/g;

/** The ids a piece of CommonJS or generated code `require`s by a literal string. */
function requiredIds(code: string): string[] {
  return [...code.matchAll(REQUIRE_CALL)].map((match) => match[1]!);
}

/** The package a module id belongs to (`ajv/dist/runtime/equal` → `ajv`). */
function packageOf(id: string): string {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** "ajv 8.20.0, MIT License, Copyright (c) …": what the license asks to travel with the code. */
function licenseNotice(packageName: string): string {
  const manifestFile = requireHere.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    version: string;
    license: string;
  };
  const licenseText = readFileSync(path.join(path.dirname(manifestFile), 'LICENSE'), 'utf8');
  const copyright = /^.*copyright.*$/im.exec(licenseText)?.[0].trim() ?? '';
  return `${packageName} ${manifest.version}, ${manifest.license} License, ${copyright}`;
}

/** A module's source as shipped, without its source-map comment (the map is not shipped). */
function moduleSource(id: string): string {
  return readFileSync(requireHere.resolve(id), 'utf8').replace(/^\/\/# sourceMappingURL=.*$/gm, '');
}

/**
 * Makes generated validator code self-contained: the library modules it `require`s (and theirs)
 * are put in front of it, each as a CommonJS function, with a small `require` that knows only
 * them. The result imports and requires nothing from outside, so the renderer can load it from
 * the app's own origin and main from a verified blob. The libraries' own files are used, as the
 * installed package has them: no bundler is needed where `catalogue build` runs.
 */
export function linkRuntime(generated: string): string {
  const needed = new Set<string>();
  const visit = (code: string) => {
    for (const id of requiredIds(code)) {
      if (needed.has(id)) continue;
      if (!RUNTIME_MODULES.has(id)) throw new UnsupportedRuntimeModule(id);
      needed.add(id);
      visit(moduleSource(id));
    }
  };
  visit(generated);
  if (needed.size === 0) return generated;
  const ids = [...needed].sort();
  const notices = [...new Set(ids.map(packageOf))].sort().map(licenseNotice);
  const definitions = ids.map(
    (id) =>
      `${JSON.stringify(id)}: function (module, exports, require) {\n${moduleSource(id).trim()}\n}`,
  );
  return [
    `/* Bundled library code: ${notices.join('; ')}. */`,
    `const scriptDeskModules = {\n${definitions.join(',\n')}\n};`,
    'const scriptDeskLoaded = new Map();',
    // Only the modules above can ever be reached: an unknown id is an error, never a lookup elsewhere.
    'function require(id) {',
    '  let loaded = scriptDeskLoaded.get(id);',
    '  if (loaded) return loaded.exports;',
    '  const define = Object.hasOwn(scriptDeskModules, id) ? scriptDeskModules[id] : undefined;',
    '  if (!define) throw new Error("this validator bundles no module " + id);',
    '  loaded = { exports: {} };',
    '  scriptDeskLoaded.set(id, loaded);',
    '  define(loaded, loaded.exports, require);',
    '  return loaded.exports;',
    '}',
    generated,
  ].join('\n');
}
