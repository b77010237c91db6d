import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { readCatalogueSource } from '../../main/publishing/source-reader.js';
import { appWithCatalogue, FIXTURE_SOURCE, addTestScript } from '../support/catalogue.js';
import {
  caseKey,
  FILE,
  formOf,
  KEYWORD_CASES,
  SENSITIVE,
  type KeywordCase,
} from '../support/keyword-cases.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { RELATIVE_PATH_PROBLEM } from '../support/os-needs.js';

// Every keyword case Ajv's strict draft-07 accepts, as two real scripts of a real catalogue: one
// whose form marks each case's field x-sensitive, one whose form marks it x-file.
const PUBLISHABLE = KEYWORD_CASES.filter((c) => c.strict !== false);
const secretOf = (keywordCase: KeywordCase) => `S3CRET-${caseKey(keywordCase)}-7f3a`;

function writeScript(source: string, id: string, schema: unknown): Promise<void> {
  return addTestScript(source, {
    id,
    title: id,
    summary: 'Test script: a form with a field behind every schema keyword.',
    schema,
    main: 'print("done")\n',
  });
}

/** An app with the keyword catalogue on a home that outlives each test (tempDir's do not). */
async function keywordApp(): Promise<{ app: ScriptDeskApp; home: string }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-home-'));
  const { app } = await appWithCatalogue(await keywordCatalogue(), { home });
  return { app, home };
}

async function keywordCatalogue(): Promise<string> {
  const source = path.join(await tempDir('scriptdesk-src-'), 'src');
  await mkdir(path.join(source, 'scripts'), { recursive: true });
  await cp(path.join(FIXTURE_SOURCE, 'catalogue.json'), path.join(source, 'catalogue.json'));
  await writeScript(source, 'sensitive-fields', formOf(PUBLISHABLE, SENSITIVE));
  await writeScript(source, 'file-fields', formOf(PUBLISHABLE, FILE));
  await writeScript(source, 'typed-fields', TYPED_FORM);
  return source;
}

/** x-sensitive on values that are not text, and a const field. */
const TYPED_FORM = {
  type: 'object',
  additionalProperties: false,
  properties: {
    pin: { type: 'integer', minimum: 0, maximum: 999999999, 'x-sensitive': true },
    rate: { type: 'number', 'x-sensitive': true },
    admin: { type: 'boolean', 'x-sensitive': true },
    codes: {
      type: 'array',
      maxItems: 3,
      items: { type: 'string', maxLength: 40 },
      'x-sensitive': true,
    },
    login: {
      type: 'object',
      additionalProperties: false,
      properties: { user: { type: 'string', maxLength: 40 } },
      'x-sensitive': true,
    },
    region: { type: 'string', const: 'REGION-eu-west-9' },
  },
};
const TYPED_INPUTS = {
  pin: 918273645,
  rate: 0.6180339887,
  admin: true,
  codes: ['ARRAY-SECRET-5d1'],
  login: { user: 'OBJECT-SECRET-c2e' },
  region: 'REGION-eu-west-9',
};

describe('x-sensitive fields behind every keyword never reach the audit journal in clear', () => {
  let app: ScriptDeskApp;
  let home: string;
  let journal: Buffer;
  let recorded: Record<string, unknown>;
  let typed: Record<string, unknown>;

  beforeAll(async () => {
    ({ app, home } = await keywordApp());
    const inputs = Object.fromEntries(PUBLISHABLE.map((c) => [caseKey(c), c.value(secretOf(c))]));
    const { runId, detail } = await runToEnd(app, { scriptId: 'sensitive-fields', inputs });
    expect(detail.status).toBe('succeeded');
    const second = await runToEnd(app, { scriptId: 'typed-fields', inputs: TYPED_INPUTS });
    expect(second.detail.status).toBe('succeeded');
    const { events } = await callOrThrow(app, 'audit.list', {});
    const inputsOf = (id: string) =>
      events.find((e) => e.data.runId === id && e.type.endsWith('started'))!.data.inputs as Record<
        string,
        unknown
      >;
    recorded = inputsOf(runId);
    typed = inputsOf(second.runId);
    const db = await readFile(app.services.paths.database);
    const wal = await readFile(`${app.services.paths.database}-wal`).catch(() => Buffer.alloc(0));
    journal = Buffer.concat([db, wal]);
  });
  afterAll(async () => {
    await app?.close();
    await rm(home, { recursive: true, force: true });
  });

  it.each(PUBLISHABLE)('behind $keyword: not in the journal file or its WAL', (keywordCase) => {
    expect(journal.includes(secretOf(keywordCase))).toBe(false);
    const expected = keywordCase.redacted?.('[redacted]') ?? keywordCase.value('[redacted]');
    expect(recorded[caseKey(keywordCase)]).toEqual(expected);
  });

  it('of any type: a PIN, a number, a boolean, a list and an object are redacted whole; a const is kept', () => {
    for (const secret of ['918273645', '6180339887', 'ARRAY-SECRET-5d1', 'OBJECT-SECRET-c2e'])
      expect(journal.includes(secret), secret).toBe(false);
    expect(typed).toEqual({
      pin: '[redacted]',
      rate: '[redacted]',
      admin: '[redacted]',
      codes: '[redacted]',
      login: '[redacted]',
      region: 'REGION-eu-west-9',
    });
  });
});

describe('x-file fields behind every keyword are checked by main before anything starts', () => {
  let app: ScriptDeskApp;
  let home: string;
  beforeAll(async () => {
    ({ app, home } = await keywordApp());
  });
  afterAll(async () => {
    await app?.close();
    await rm(home, { recursive: true, force: true });
  });

  it.each(PUBLISHABLE)(
    'behind $keyword: a relative path is refused, naming the field',
    async (keywordCase) => {
      const key = caseKey(keywordCase);
      const result = await callTyped(
        app.dispatch,
        'run.start',
        { scriptId: 'file-fields', inputs: { [key]: keywordCase.value('data.csv') } },
        { transport: 'http' },
      );
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'invalid_inputs',
          message: 'A file input of "file-fields" cannot be used.',
          fields: [
            {
              path: `/${key}${keywordCase.at}`,
              message: RELATIVE_PATH_PROBLEM,
            },
          ],
        },
      });
      expect((await callOrThrow(app, 'run.list', {})).runs).toEqual([]);
    },
  );
});

describe("keywords main's validator does not apply", () => {
  it.each(KEYWORD_CASES.filter((c) => c.strict === false))(
    '$keyword: catalogue build refuses the form, so no runner ever sees it',
    async (keywordCase) => {
      const source = path.join(await tempDir('scriptdesk-src-'), 'src');
      await mkdir(path.join(source, 'scripts'), { recursive: true });
      await cp(path.join(FIXTURE_SOURCE, 'catalogue.json'), path.join(source, 'catalogue.json'));
      await writeScript(source, 'odd-form', formOf([keywordCase], SENSITIVE));
      await expect(readCatalogueSource(source)).rejects.toThrow(
        keywordCase.refusal ??
          new RegExp(
            `/${keywordCase.keyword}: "${keywordCase.keyword}" is a keyword of a later JSON Schema draft that main's validator \\(draft 7\\) does not apply`,
          ),
      );
    },
  );
});
