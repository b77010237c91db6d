import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sourceJsonSchemas, writeSourceJsonSchemas } from '../../main/publishing/json-schemas.js';
import {
  CatalogueSourceSchema,
  SCRIPT_ID_PATTERN,
  ScriptManifestSchema,
} from '../../main/catalogue/manifest.js';
import { REPO } from '../support/catalogue.js';
import { tempDir } from '../support/temp.js';

const SCHEMAS_DIR = path.join(REPO, 'schemas');
const REGENERATE = 'run: node bin/scriptdesk.js catalogue schemas --out schemas';
const SOURCES = [
  path.join(REPO, 'examples', 'catalogue'),
  path.join(REPO, 'test', 'fixtures', 'catalogue'),
];

type Json = Record<string, unknown>;

async function readJson(file: string): Promise<Json> {
  return JSON.parse(await readFile(file, 'utf8')) as Json;
}

async function committedValidators(): Promise<{
  script: ValidateFunction;
  catalogue: ValidateFunction;
}> {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return {
    script: ajv.compile(await readJson(path.join(SCHEMAS_DIR, 'script.schema.json'))),
    catalogue: ajv.compile(await readJson(path.join(SCHEMAS_DIR, 'catalogue.schema.json'))),
  };
}

/** Every admin-written file of the demo and test catalogue sources. */
async function sourceDocuments(): Promise<{ kind: 'script' | 'catalogue'; file: string }[]> {
  const found: { kind: 'script' | 'catalogue'; file: string }[] = [];
  for (const root of SOURCES) {
    found.push({ kind: 'catalogue', file: path.join(root, 'catalogue.json') });
    for (const id of (await readdir(path.join(root, 'scripts'))).sort())
      found.push({ kind: 'script', file: path.join(root, 'scripts', id, 'script.json') });
  }
  return found;
}

/** Every `pattern` in a JSON Schema, by where it sits. */
function patternsIn(node: unknown, where = ''): Record<string, string> {
  if (typeof node !== 'object' || node === null) return {};
  let found: Record<string, string> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') found[where] = value;
    else found = { ...found, ...patternsIn(value, `${where}/${key}`) };
  }
  return found;
}

describe('the committed JSON Schemas in schemas/', () => {
  it('are exactly what manifest.ts generates now, so they cannot drift from catalogue build', async () => {
    const out = await tempDir('scriptdesk-schemas-');
    const written = await writeSourceJsonSchemas(out);
    expect(written.map((file) => path.basename(file))).toEqual([
      'script.schema.json',
      'catalogue.schema.json',
      'audit-event.schema.json',
      'policy.schema.json',
    ]);
    for (const file of written) {
      const name = path.basename(file);
      const committed = await readFile(path.join(SCHEMAS_DIR, name), 'utf8').catch(() => '');
      expect(
        committed,
        `schemas/${name} is out of date with main/catalogue/manifest.ts; ${REGENERATE}`,
      ).toBe(await readFile(file, 'utf8'));
    }
    const jsonFiles = (await readdir(SCHEMAS_DIR)).filter((name) => name.endsWith('.json'));
    expect(jsonFiles.sort(), `schemas/ has a stale schema file; ${REGENERATE}`).toEqual([
      'audit-event.schema.json',
      'catalogue.schema.json',
      'policy.schema.json',
      'script.schema.json',
    ]);
  });

  it('name themselves with an $id and a title, and refuse keys the zod schemas refuse', () => {
    const adminEdited = sourceJsonSchemas().filter((s) => s.fileName !== 'audit-event.schema.json');
    for (const { fileName, schema } of adminEdited) {
      expect(schema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: `https://scriptdesk.dev/schemas/${fileName}`,
        title: expect.stringMatching(/^ScriptDesk /),
        additionalProperties: false,
        properties: { $schema: { type: 'string' } },
      });
    }
    const [script] = sourceJsonSchemas();
    expect(script!.schema).toMatchObject({
      properties: {
        allowed: { additionalProperties: false },
        exitCodes: { additionalProperties: { additionalProperties: false } },
        timeoutSeconds: { description: expect.stringContaining('seconds') },
      },
    });
  });

  it('keep every zod regex as a pattern that compiles the way editors and Ajv compile it', () => {
    const [script, catalogue] = sourceJsonSchemas();
    const scriptPatterns = patternsIn(script!.schema);
    expect(Object.keys(scriptPatterns).sort()).toEqual([
      '/properties/args/items/anyOf/0/properties/flag',
      '/properties/args/items/anyOf/1/properties/flag',
      '/properties/args/items/anyOf/2/properties/command',
      '/properties/entrypoint',
      '/properties/exitCodes/propertyNames',
      '/properties/id',
      '/properties/presets/items/properties/name',
      '/properties/secrets/items',
      '/properties/version',
    ]);
    expect(scriptPatterns['/properties/id']).toBe(SCRIPT_ID_PATTERN.source);
    expect(Object.keys(patternsIn(catalogue!.schema)).sort()).toEqual([
      '/properties/audience',
      '/properties/licences/properties/allowed/items',
    ]);
    for (const pattern of [
      ...Object.values(scriptPatterns),
      ...Object.values(patternsIn(catalogue!.schema)),
    ])
      expect(() => new RegExp(pattern, 'u')).not.toThrow();
  });

  it('compile in Ajv strict mode and accept every script.json and catalogue.json in the demo and test sources', async () => {
    const validate = await committedValidators();
    const documents = await sourceDocuments();
    expect(documents.filter((d) => d.kind === 'script').length).toBeGreaterThanOrEqual(4);
    for (const { kind, file } of documents) {
      const check = validate[kind];
      expect(check(await readJson(file)), `${file}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
  });

  it('are what the demo source files point to with their "$schema"', async () => {
    const demo = (await sourceDocuments()).filter((d) => d.file.startsWith(SOURCES[0]!));
    for (const { kind, file } of demo) {
      const pointer = (await readJson(file)).$schema;
      expect(typeof pointer, `${file} has no "$schema"`).toBe('string');
      expect(path.resolve(path.dirname(file), pointer as string)).toBe(
        path.join(SCHEMAS_DIR, `${kind}.schema.json`),
      );
    }
  });
});

describe('the JSON Schemas and the zod schemas', () => {
  const goodScript: Json = {
    $schema: '../../../../schemas/script.schema.json',
    id: 'monthly-report',
    title: 'Monthly report',
    summary: 'Writes the monthly report.',
    category: 'Reporting',
    version: '1.2.0-rc.1',
    entrypoint: 'main.py',
    python: '>=3.9',
    timeoutSeconds: 60,
    secrets: ['CRM_API_TOKEN'],
    allowed: { users: ['*'], groups: [] },
    destructive: false,
    supportsDryRun: true,
    requireReason: false,
    exitCodes: { '0': { status: 'success' }, '3': { status: 'retriable', message: 'Try later.' } },
  };
  const goodCatalogue: Json = {
    $schema: '../../schemas/catalogue.schema.json',
    name: 'Finance scripts',
    publisher: 'Finance platform team',
    audience: 'acme-finance',
    approvedPackages: { pandas: ['2.2.3'] },
    groups: { analysts: ['*'] },
  };
  const without = (doc: Json, key: string): Json =>
    Object.fromEntries(Object.entries(doc).filter(([k]) => k !== key));

  const scriptCases: [string, boolean, Json][] = [
    ['a complete script.json', true, goodScript],
    ['one without the optional "$schema"', true, without(goodScript, '$schema')],
    ['an unknown key', false, { ...goodScript, colour: 'red' }],
    [
      'an unknown key in allowed',
      false,
      { ...goodScript, allowed: { users: [], groups: [], admins: [] } },
    ],
    ['timeoutSeconds as a string', false, { ...goodScript, timeoutSeconds: '60' }],
    ['timeoutSeconds with a fraction', false, { ...goodScript, timeoutSeconds: 1.5 }],
    ['timeoutSeconds of 0', false, { ...goodScript, timeoutSeconds: 0 }],
    ['timeoutSeconds over a day', false, { ...goodScript, timeoutSeconds: 86_401 }],
    ['an id with capitals and an underscore', false, { ...goodScript, id: 'Monthly_Report' }],
    ['an id starting with a dash', false, { ...goodScript, id: '-report' }],
    ['a version without a patch number', false, { ...goodScript, version: '1.2' }],
    ['an entrypoint that is not a .py file', false, { ...goodScript, entrypoint: 'run.sh' }],
    [
      'a secret that is not an environment variable name',
      false,
      { ...goodScript, secrets: ['token'] },
    ],
    [
      'an exitCodes key that is not a number',
      false,
      { ...goodScript, exitCodes: { ok: { status: 'success' } } },
    ],
    [
      'an exitCodes key of four digits',
      false,
      { ...goodScript, exitCodes: { '1000': { status: 'failed' } } },
    ],
    [
      'an exitCodes key above 255 (no process can exit with it)',
      false,
      { ...goodScript, exitCodes: { '256': { status: 'failed' } } },
    ],
    [
      'an exitCodes key with a leading zero',
      false,
      { ...goodScript, exitCodes: { '07': { status: 'failed' } } },
    ],
    [
      'the highest exit code, 255',
      true,
      { ...goodScript, exitCodes: { '255': { status: 'failed' } } },
    ],
    ['an unknown exit status', false, { ...goodScript, exitCodes: { '0': { status: 'ok' } } }],
    [
      'an exit rule with an unknown key',
      false,
      { ...goodScript, exitCodes: { '0': { status: 'success', retry: true } } },
    ],
    ['a missing title', false, without(goodScript, 'title')],
    ['a missing exitCodes', false, without(goodScript, 'exitCodes')],
    [
      'an argv template with an option, a dry-run option and a positional',
      true,
      {
        ...goodScript,
        args: [
          { flag: '--month', input: 'month' },
          { flag: '--dry-run', dryRun: true },
          { positional: 'file' },
        ],
      },
    ],
    [
      'an argv option carrying its own value',
      false,
      { ...goodScript, args: [{ flag: '--month=1', input: 'month' }] },
    ],
    [
      'an argv entry with both an option and a positional',
      false,
      { ...goodScript, args: [{ flag: '--month', positional: 'month' }] },
    ],
  ];
  const catalogueCases: [string, boolean, Json][] = [
    ['a complete catalogue.json', true, goodCatalogue],
    ['an unknown key', false, { ...goodCatalogue, owner: 'me' }],
    ['an audience with capitals', false, { ...goodCatalogue, audience: 'Acme' }],
    ['an empty package name', false, { ...goodCatalogue, approvedPackages: { '': ['1.0'] } }],
    ['a group that is not a list', false, { ...goodCatalogue, groups: { analysts: '*' } }],
    ['a missing name', false, without(goodCatalogue, 'name')],
    [
      'a wheel cap of 1 GiB',
      true,
      { ...goodCatalogue, limits: { maxWheelUncompressedBytes: 1_073_741_824 } },
    ],
    [
      'a wheel cap over the 2 GiB ceiling',
      false,
      { ...goodCatalogue, limits: { maxWheelUncompressedBytes: 2_147_483_649 } },
    ],
    ['a wheel cap of 0', false, { ...goodCatalogue, limits: { maxWheelUncompressedBytes: 0 } }],
    ['an unknown limit', false, { ...goodCatalogue, limits: { maxScripts: 10 } }],
  ];

  it.each(scriptCases)(
    'accept or refuse script.json alike: %s (accepted: %s)',
    async (_label, valid, doc) => {
      const { script } = await committedValidators();
      expect(ScriptManifestSchema.safeParse(doc).success).toBe(valid);
      expect(script(doc), `Ajv: ${JSON.stringify(script.errors)}`).toBe(valid);
    },
  );

  it.each(catalogueCases)(
    'accept or refuse catalogue.json alike: %s (accepted: %s)',
    async (_label, valid, doc) => {
      const { catalogue } = await committedValidators();
      expect(CatalogueSourceSchema.safeParse(doc).success).toBe(valid);
      expect(catalogue(doc), `Ajv: ${JSON.stringify(catalogue.errors)}`).toBe(valid);
    },
  );
});
