import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import type { FieldError } from '../../main/contract/errors.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { formShapes, writeFormShapesSource } from '../support/form-shapes.js';

/**
 * Issue 12's real-world form shapes (`test/fixtures/forms/`): each is published by the real
 * `catalogue build` (precompiled validators) and synced, and every valid and invalid input is put
 * to main's admission check (`run.validate`, as the CLI's `validate` and the UI call it). Main's
 * verdict must be the one a plain Ajv (draft-07, the project's dialect, with ajv-formats) gives
 * for the same schema and data, and every refusal names the field in main's plain words.
 */

const SHAPES = formShapes();

/** A plain Ajv as any author would run it: draft-07, every error, the standard formats. */
function plainAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/** Every place a plain Ajv error points at, as a JSON Pointer into the inputs. */
function ajvPlaces(errors: ErrorObject[]): Set<string> {
  const places = new Set<string>();
  for (const error of errors) {
    places.add(error.instancePath);
    const params = error.params as Record<string, unknown>;
    const child = params.missingProperty ?? params.additionalProperty;
    if (typeof child === 'string') places.add(`${error.instancePath}/${child}`);
  }
  return places;
}

// One app for every case: its home outlives each test (`tempDir` folders are removed after each).
let work: string;
let app: ScriptDeskApp;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'form-shapes-'));
  const source = await writeFormShapesSource(path.join(work, 'src'));
  ({ app } = await appWithCatalogue(source, { home: path.join(work, 'home') }));
});
afterAll(async () => {
  await app?.close();
  await rm(work, { recursive: true, force: true });
});

async function mainVerdict(
  scriptId: string,
  inputs: unknown,
): Promise<{ valid: boolean; errors: FieldError[] }> {
  const result = await app.dispatch('run.validate', { scriptId, inputs }, { transport: 'http' });
  if (!result.ok) throw new Error(`run.validate: ${result.error.code}: ${result.error.message}`);
  return result.value as { valid: boolean; errors: FieldError[] };
}

describe.each(SHAPES.map((shape) => [shape.id, shape] as const))('form shape %s', (id, shape) => {
  const validate = plainAjv().compile(shape.schema);

  it('has several valid inputs and several invalid ones, each with the errors main words', () => {
    expect(Object.keys(shape.valid).length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(shape.invalid).length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(shape.expectedErrors).sort()).toEqual(Object.keys(shape.invalid).sort());
  });

  it.each(Object.entries(shape.valid))('accepts %s, as plain Ajv does', async (_name, inputs) => {
    expect(validate(inputs), JSON.stringify(validate.errors)).toBe(true);
    expect(await mainVerdict(id, inputs)).toEqual({ valid: true, errors: [] });
  });

  it.each(Object.entries(shape.invalid))(
    'refuses %s, as plain Ajv does, naming the field in plain words',
    async (name, inputs) => {
      expect(validate(inputs)).toBe(false);
      const verdict = await mainVerdict(id, inputs);
      expect(verdict).toEqual({ valid: false, errors: shape.expectedErrors[name] });
      // Every field main names is one plain Ajv found at fault too.
      const places = ajvPlaces(validate.errors ?? []);
      for (const error of verdict.errors) expect(places, error.path).toContain(error.path);
    },
  );
});
