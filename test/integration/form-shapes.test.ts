import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { readCatalogueSource, SourceError } from '../../main/publishing/source-reader.js';
import { addTestScript, appWithCatalogue, copySource, REPO } from '../support/catalogue.js';

/**
 * Forms of the shapes of react-jsonschema-form's 28 playground samples, written here the way an
 * author writes them (no root `additionalProperties: false`, lists without `maxItems`, options
 * ScriptDesk does not use), each with a valid input: `test/fixtures/form-shapes/<shape>/`.
 */
const SHAPES_DIR = path.join(REPO, 'test', 'fixtures', 'form-shapes');

/**
 * The shapes still refused, each for a reason a reviewer would call unsafe or broken, and the
 * problems `catalogue build` names (file, JSON Pointer, reason).
 */
const REFUSED: Record<string, { why: string; problems: RegExp[] }> = {
  // A file's bytes as a data URL in the inputs reach the script past every check main makes of a
  // file input (real path, extension, size) and land in the inputs file and the audit record.
  files: {
    why: 'file bytes inside the form bypass main’s file checks',
    problems: [
      /form\.schema\.json: \/properties\/statement: a file's bytes in the form \("data-url"\/base64\) would reach the script past main's checks of path, type and size; take a path instead/,
      /form\.schema\.json: \/properties\/receipts\/items: a file's bytes in the form/,
      /form\.ui\.json: `\/statement\/ui:widget`: "file" puts the file's bytes into the inputs, past main's checks of path, type and size; remove it and mark the field "x-file"/,
    ],
  },
  // A part list that holds part lists without end: generating its precompiled checks never ends
  // (RJSF's schema parser loops), which would hang the build and every device that makes its own,
  // and no depth cap holds for it.
  references: {
    why: 'a recursive form cannot be precompiled and has no depth',
    problems: [
      /form\.schema\.json: \/definitions\/part\/properties\/parts\/items\/\$ref: "#\/definitions\/part" leads back into the schema it is in, so the form is recursive/,
    ],
  },
  // Inputs are an object of named fields everywhere: the inputs file, the argv template, audit
  // redaction by field. A bare string has no field to name, mask or check.
  single: {
    why: 'a script takes an object of named fields',
    problems: [
      /form\.schema\.json: #\/type: must be "object": a script takes an object of named fields; put a single value in it as its one property/,
    ],
  },
};

const idOf = (shape: string) => `shape-${shape.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const readJson = async (shape: string, file: string) =>
  JSON.parse(await readFile(path.join(SHAPES_DIR, shape, file), 'utf8')) as unknown;

/** A copy of the fixture source with one test script per shape, its form and uiSchema. */
async function sourceWithShapes(shapes: readonly string[]): Promise<string> {
  const source = await copySource();
  for (const shape of shapes) {
    const id = idOf(shape);
    await addTestScript(source, {
      id,
      title: `Shape ${shape}`,
      summary: `A form shaped like rjsf's ${shape} sample.`,
      schema: await readJson(shape, 'form.schema.json'),
      main: 'print("ok")\n',
    });
    const ui = JSON.stringify(await readJson(shape, 'form.ui.json'));
    await writeFile(path.join(source, 'scripts', id, 'form.ui.json'), ui);
  }
  return source;
}

let app: ScriptDeskApp | undefined;
afterAll(async () => app?.close());

describe('forms of the shapes of the 28 rjsf playground samples, as authors write them', async () => {
  const shapes = (await readdir(SHAPES_DIR)).sort();

  it('has all 28 shapes, each with a form, a uiSchema and a valid input', async () => {
    expect(shapes).toHaveLength(28);
    for (const shape of shapes)
      expect((await readdir(path.join(SHAPES_DIR, shape))).sort(), shape).toEqual([
        'form.schema.json',
        'form.ui.json',
        'valid-input.json',
      ]);
  });

  it('at least 25 of 28 pass catalogue build (warnings allowed); the rest are refused for the reasons named, all listed in one build', async () => {
    const source = await sourceWithShapes(shapes);
    const error = await readCatalogueSource(source).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SourceError);
    const { problems, warnings } = error as SourceError;
    const refused = new Set(
      problems.map((problem) => /scripts\/shape-([^/]+)\//.exec(problem.file)?.[0]),
    );
    const refusedShapes = shapes.filter((shape) => refused.has(`scripts/${idOf(shape)}/`));
    expect(refusedShapes).toEqual(Object.keys(REFUSED).sort());
    expect(shapes.length - refusedShapes.length).toBeGreaterThanOrEqual(25);
    for (const [shape, { problems: expected }] of Object.entries(REFUSED)) {
      const lines = problems
        .filter((problem) => problem.file.includes(`/${idOf(shape)}/`))
        .map((problem) => `${problem.file}: ${problem.detail}`);
      expect(lines, shape).toHaveLength(expected.length);
      expected.forEach((pattern, index) => expect(lines[index], shape).toMatch(pattern));
    }
    // Options ScriptDesk does not use are named as ignored, never refused.
    const warned = warnings.map((warning) => `${warning.file}: ${warning.detail}`);
    expect(warned).toContainEqual(
      expect.stringMatching(
        /shape-simple\/form\.ui\.json: `\/employeeName\/ui:autocomplete`: is not a uiSchema option ScriptDesk uses, so it is ignored/,
      ),
    );
    expect(warned).toContainEqual(
      expect.stringMatching(
        /shape-date\/form\.ui\.json: `\/birthday\/ui:options\/yearsRange`: .* ignored/,
      ),
    );
  });

  it('publish, sync and take their valid input in main, and refuse a top-level input no branch declares, naming it', async () => {
    const accepted = shapes.filter((shape) => !(shape in REFUSED));
    const source = await sourceWithShapes(accepted);
    for (const shape of Object.keys(REFUSED))
      await rm(path.join(source, 'scripts', idOf(shape)), { recursive: true, force: true });
    ({ app } = await appWithCatalogue(source));
    const validate = (scriptId: string, inputs: unknown) =>
      app!.dispatch('run.validate', { scriptId, inputs }, { transport: 'ipc' });
    for (const shape of accepted) {
      const inputs = (await readJson(shape, 'valid-input.json')) as Record<string, unknown>;
      expect(await validate(idOf(shape), inputs), shape).toEqual({
        ok: true,
        value: { valid: true, errors: [] },
      });
      if (shape === 'additionalProperties') continue; // open to any key, each checked by its schema
      const result = await validate(idOf(shape), { ...inputs, notAField: 'x' });
      expect(result, shape).toMatchObject({
        ok: true,
        value: {
          valid: false,
          errors: [
            {
              path: '/notAField',
              message: expect.stringMatching(/^"notAField" is not a field of this form; remove it/),
            },
          ],
        },
      });
    }
  });
});
