import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { loadPublicKey } from '../../main/catalogue/keys.js';
import { folderSource } from '../../main/catalogue/sources.js';
import { sha256Hex } from '../../main/shared/hashing.js';
import { MAX_FORM_PROPERTIES } from '../../forms/schema-caps.js';
import { addTestScript, copySource, publish, resign } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** `scriptdesk keygen` then `catalogue build SRC` into a temp folder, on a fresh home. */
async function build(source: string) {
  const home = await tempDir('scriptdesk-lint-home-');
  const work = await tempDir('scriptdesk-lint-work-');
  expect((await scriptdesk(home, ['keygen', '--out', path.join(work, 'keys')])).code).toBe(0);
  const key = path.join(work, 'keys', 'catalogue-signing.key');
  const published = path.join(work, 'published');
  const result = await scriptdesk(home, [
    'catalogue',
    'build',
    source,
    '--key',
    key,
    '--out',
    published,
  ]);
  return {
    ...result,
    home,
    work,
    published,
    pub: path.join(work, 'keys', 'catalogue-signing.pub'),
  };
}

/** Rewrites a JSON file of the source with `change` applied. */
async function editJson<T>(file: string, change: (value: T) => void): Promise<void> {
  const value = JSON.parse(await readFile(file, 'utf8')) as T;
  change(value);
  await writeFile(file, JSON.stringify(value));
}

/** A form schema as the tests edit it. */
type Form = { properties: Record<string, Record<string, unknown>> };

/** A form as an author writes it: no additionalProperties, a field declared only in a `then`. */
const CONDITIONAL_FORM = {
  type: 'object',
  required: ['region'],
  properties: { region: { type: 'string', enum: ['eu', 'us'] } },
  if: { properties: { region: { const: 'us' } } },
  then: { properties: { state: { type: 'string', pattern: '^[A-Z]{2}$' } } },
  allOf: [{ properties: { note: { type: 'string' } } }],
};

describe('scriptdesk catalogue build lists every problem of a source', () => {
  it('names each error of every script with its file and JSON Pointer, then the warnings, exits 1 and writes nothing', async () => {
    const source = await copySource();
    const probe = path.join(source, 'scripts', 'probe');
    await editJson<Form>(path.join(probe, 'form.schema.json'), (schema) => {
      schema.properties.remote = { $ref: 'https://example.com/s.json' };
      schema.properties.count!.default = 50;
    });
    await writeFile(
      path.join(probe, 'form.ui.json'),
      JSON.stringify({ mode: { 'ui:field': 'Custom', 'ui:autocomplete': 'off' } }),
    );
    await editJson<{ python: string }>(
      path.join(source, 'scripts', 'secret-probe', 'script.json'),
      (manifest) => {
        manifest.python = '3.9+';
      },
    );

    const { code, stdout, stderr, published } = await build(source);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe(
      `scriptdesk: the catalogue source ${source} was not published: 3 errors and 1 warning; fix the errors and build again`,
    );
    expect(lines.slice(1)).toEqual([
      `error: ${probe}/form.schema.json: /properties/remote/$ref: "https://example.com/s.json" points outside the schema; only local "#/..." references are allowed`,
      `error: ${probe}/form.ui.json: \`/mode/ui:field\`: names a custom field, which is code a catalogue cannot ship; remove it (pick a built-in look with \`ui:widget\`)`,
      `error: ${source}/scripts/secret-probe/script.json: field \`python\` cannot be read: "3.9+" does not start with one of >=, <=, >, <, ==, !=, ~=; write a version specifier like ">=3.9" or ">=3.9, <3.13" (or "" for any)`,
      expect.stringMatching(
        new RegExp(
          `^warning: ${probe}/form\\.ui\\.json: \`/mode/ui:autocomplete\`: is not a uiSchema option ScriptDesk uses, so it is ignored; remove it`,
        ),
      ),
    ]);
    await expect(readdir(published)).rejects.toThrow(/ENOENT/);
  });

  it('reports a wrong default once the rest of the form is sound, at the default it names', async () => {
    const source = await copySource();
    const schemaFile = path.join(source, 'scripts', 'probe', 'form.schema.json');
    await editJson<Form>(schemaFile, (schema) => {
      schema.properties.count!.default = 50;
    });
    const { code, stderr } = await build(source);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `scriptdesk: ${schemaFile}: /properties/count/default: the default is refused by its own schema: Count must be at most 10; fix the "default"`,
    );
  });

  it('publishes a source with only warnings, printing each on stderr with its file, and exits 0', async () => {
    const source = await copySource();
    await addTestScript(source, {
      id: 'author-form',
      title: 'Author form',
      summary: 'A form as authors write it.',
      schema: {
        ...CONDITIONAL_FORM,
        properties: {
          ...CONDITIONAL_FORM.properties,
          tags: { type: 'array', items: { type: 'string' }, enumNames: ['x'] },
        },
      },
      main: 'print("ok")\n',
    });
    await writeFile(
      path.join(source, 'scripts', 'author-form', 'form.ui.json'),
      JSON.stringify({ region: { 'ui:options': { yearsRange: [2000, 2030] } } }),
    );
    const { code, stdout, stderr } = await build(source);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Published catalogue/);
    const form = path.join(source, 'scripts', 'author-form');
    expect(stderr.trim().split('\n')).toEqual([
      `warning: ${form}/form.schema.json: /properties/tags/enumNames: "enumNames" is not a JSON Schema keyword and is ignored; remove it, or fix the spelling if it was meant as a rule`,
      expect.stringMatching(
        new RegExp(
          `^warning: ${form}/form\\.ui\\.json: \`/region/ui:options/yearsRange\`: is not a uiSchema option ScriptDesk uses, so it is ignored`,
        ),
      ),
    ]);
  });
});

describe('main refuses a top-level input the form declares nowhere, without additionalProperties: false', () => {
  it('validate and run name the undeclared field and start nothing; fields declared in then and allOf are taken', async () => {
    const source = await copySource();
    await addTestScript(source, {
      id: 'author-form',
      title: 'Author form',
      summary: 'A form as authors write it.',
      schema: CONDITIONAL_FORM,
      main: 'print("RAN")\n',
    });
    const { code, home, work, published, pub } = await build(source);
    expect(code).toBe(0);
    expect((await scriptdesk(home, ['sync', '--from', published, '--pubkey', pub])).code).toBe(0);

    const good = path.join(work, 'good.json');
    await writeFile(good, JSON.stringify({ region: 'us', state: 'CA', note: 'from allOf' }));
    const accepted = await scriptdesk(home, ['validate', 'author-form', '--inputs', good]);
    expect(accepted.code).toBe(0);

    const bad = path.join(work, 'bad.json');
    await writeFile(bad, JSON.stringify({ region: 'eu', debugShell: 'yes' }));
    const message =
      '"debugShell" is not a field of this form; remove it (the form declares "region", "state", "note").';
    const validate = await scriptdesk(home, ['validate', 'author-form', '--inputs', bad]);
    expect(validate.code).toBe(1);
    expect(JSON.parse(validate.stdout)).toEqual({
      valid: false,
      errors: [{ path: '/debugShell', message }],
    });
    const run = await scriptdesk(home, ['run', 'author-form', '--inputs', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`debugShell: ${message}`);
    expect(run.stdout).not.toContain('RAN');
  });
});

describe('a device re-applies the form caps at sync', () => {
  it(`refuses a validly signed catalogue whose form has over ${MAX_FORM_PROPERTIES} properties, naming the script and the cap, and keeps the installed one`, async () => {
    const { keys, published } = await publish();
    app = await openScriptDeskApp({ home: await tempDir('scriptdesk-home-'), logError: () => {} });
    await app.services.trust.add(await loadPublicKey(keys.publicKeyFile));
    await app.services.catalogue.sync(folderSource(published));

    // A publisher signing by hand, past catalogue build: probe's form gets 1001 properties.
    const properties = Object.fromEntries(
      Array.from({ length: MAX_FORM_PROPERTIES + 1 }, (_, i) => [`f${i}`, { type: 'string' }]),
    );
    const bytes = Buffer.from(JSON.stringify({ type: 'object', properties }));
    const sha256 = sha256Hex(bytes);
    await writeFile(path.join(published, 'blobs', 'sha256', sha256), bytes);
    await resign(published, keys.privateKeyFile, (document) => {
      document.version += 1;
      const probe = document.scripts.find((script) => script.manifest.id === 'probe')!;
      const entry = probe.files.find((file) => file.path === 'form.schema.json')!;
      Object.assign(entry, { sha256, size: bytes.length });
      probe.schemaSha256 = sha256;
      delete probe.validator;
    });
    await expect(app.services.catalogue.sync(folderSource(published))).rejects.toThrow(
      `script probe was refused: its form is over what this device accepts (form.schema.json #: has ${MAX_FORM_PROPERTIES + 1} properties, over the limit of ${MAX_FORM_PROPERTIES} one form may have; split the script); the publisher must shrink the form and publish again`,
    );
    expect((await app.services.catalogue.installed())?.document.version).toBe(1);
  });

  it(`takes a form of exactly ${MAX_FORM_PROPERTIES} properties, at build and at sync`, async () => {
    const source = await copySource();
    const properties = Object.fromEntries(
      Array.from({ length: MAX_FORM_PROPERTIES }, (_, i) => [`f${i}`, { type: 'string' }]),
    );
    await addTestScript(source, {
      id: 'wide-form',
      title: 'Wide form',
      summary: 'As many fields as a form may have.',
      schema: { type: 'object', properties },
      main: 'print("ok")\n',
    });
    const { keys, published } = await publish(source);
    app = await openScriptDeskApp({ home: await tempDir('scriptdesk-home-'), logError: () => {} });
    await app.services.trust.add(await loadPublicKey(keys.publicKeyFile));
    expect((await app.services.catalogue.sync(folderSource(published))).kind).toBe('updated');
  });
});
