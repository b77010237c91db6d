import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSensitive } from '../../forms/redaction.js';
import { withScriptDeskUi } from '../../forms/theme/ui-schema.js';
import { lintUiSchema } from '../../forms/ui-schema-lint.js';
import { checkFileInputs } from '../../main/runs/file-inputs.js';
import { FILE, formOf, KEYWORD_CASES, SENSITIVE, caseKey } from '../support/keyword-cases.js';
import { tempDir } from '../support/temp.js';
import { RELATIVE_PATH_PROBLEM } from '../support/os-needs.js';

const SECRET = 'hunter2-PIN-4711';

describe.each(KEYWORD_CASES)('a field behind $keyword', (keywordCase) => {
  const key = caseKey(keywordCase);
  const at = `/${key}${keywordCase.at}`;

  it('is redacted when it is x-sensitive, and its neighbours are kept', () => {
    const form = formOf([keywordCase], SENSITIVE);
    const inputs = { [key]: keywordCase.value(SECRET) };
    const redacted = redactSensitive(form, inputs);
    expect(JSON.stringify(redacted)).not.toContain(SECRET);
    const expected = keywordCase.redacted?.(REDACTED) ?? keywordCase.value(REDACTED);
    expect(redacted).toEqual({ [key]: expected });
  });

  it('is refused as a relative path when it is x-file, naming the field', async () => {
    const form = formOf([keywordCase], FILE);
    const result = await checkFileInputs(form, { [key]: keywordCase.value('data.csv') });
    expect(result.errors).toEqual([{ path: at, message: RELATIVE_PATH_PROBLEM }]);
  });

  it('is passed on by its real path when it is x-file and names a good file through a symlink', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'real'));
    const real = path.join(dir, 'real', 'data.csv');
    await writeFile(real, 'a,b\n');
    await symlink(real, path.join(dir, 'link.csv'));
    const form = formOf([keywordCase], FILE);
    // Other strings the case holds ("plain") are not paths; only the marked one is.
    const inputs = { [key]: keywordCase.value(path.join(dir, 'link.csv')) };
    const result = await checkFileInputs(form, inputs);
    expect(result.errors).toEqual([]);
    expect(JSON.stringify(result.inputs)).toBe(
      JSON.stringify(inputs).replace(path.join(dir, 'link.csv'), real),
    );
  });
});

/** The uiSchema node at `path`, or undefined. */
function uiAt(
  ui: unknown,
  path: readonly (string | number)[],
): Record<string, unknown> | undefined {
  let node = ui;
  for (const key of path) node = (node as Record<string | number, unknown> | undefined)?.[key];
  return node as Record<string, unknown> | undefined;
}

/** A uiSchema with `options` at `path` (field names only). */
function uiWith(
  path: readonly string[],
  options: Record<string, unknown>,
): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), options);
}

describe.each(KEYWORD_CASES.filter((c) => c.ui))(
  'the form a field behind $keyword',
  (keywordCase) => {
    const key = caseKey(keywordCase);
    const uiPath = [key, ...keywordCase.ui!];

    it('masks it when it is x-sensitive and picks it by path when it is x-file', () => {
      expect(uiAt(withScriptDeskUi(formOf([keywordCase], SENSITIVE)), uiPath)).toEqual({
        'ui:widget': 'sensitive',
      });
      expect(uiAt(withScriptDeskUi(formOf([keywordCase], FILE)), uiPath)).toEqual({
        'ui:widget': 'path',
      });
    });

    // Catalogue uiSchemas may name fields and `items` only (see lintUiSchema).
    const lintable = keywordCase.ui!.every(
      (k) => typeof k === 'string' && !k.startsWith('additional'),
    );
    it.runIf(lintable)(
      'is refused an unmasked widget or one that replaces the file picker by the build lint',
      () => {
        const where = `/${uiPath.join('/')}/ui:widget`;
        const path = uiPath as string[];
        expect(
          lintUiSchema(uiWith(path, { 'ui:widget': 'text' }), formOf([keywordCase], SENSITIVE)),
        ).toEqual([
          `\`${where}\`: "text" would show an "x-sensitive" field unmasked; remove it (the "sensitive" widget is used)`,
        ]);
        expect(
          lintUiSchema(uiWith(path, { 'ui:widget': 'textarea' }), formOf([keywordCase], FILE)),
        ).toEqual([
          `\`${where}\`: "textarea" replaces the file picker of an "x-file" field; remove it (the "path" widget is used)`,
        ]);
        expect(
          lintUiSchema(
            uiWith(path, { 'ui:widget': 'sensitive' }),
            formOf([keywordCase], SENSITIVE),
          ),
        ).toEqual([]);
      },
    );
  },
);
