import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSensitive } from '../../forms/redaction.js';
import { checkFileInputs } from '../../main/runs/file-inputs.js';
import { FILE, formOf, KEYWORD_CASES, SENSITIVE, caseKey } from '../support/keyword-cases.js';
import { tempDir } from '../support/temp.js';

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
    expect(result.errors).toEqual([
      { path: at, message: 'must be a full path (starting with / or a drive letter)' },
    ]);
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
