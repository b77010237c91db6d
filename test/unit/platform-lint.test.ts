import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');

/** The repository's own lint configuration on `code` as if it were the file `file`. */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO });
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('OS decisions stay in main/platform', () => {
  it('refuses process.platform and os.platform() in any other file of main/ or forms/', async () => {
    const code = [
      "import os from 'node:os';",
      "export const a = process.platform === 'win32';",
      'export const b = os.platform();',
      '',
    ].join('\n');
    expect(await ruleIds('main/runs/example.ts', code)).toEqual([
      'no-restricted-properties',
      'no-restricted-properties',
    ]);
    expect(await ruleIds('forms/example.ts', code)).toEqual([
      'no-restricted-properties',
      'no-restricted-properties',
    ]);
  });

  it('lets the platform module read it, once', async () => {
    expect(
      await ruleIds('main/platform/os.ts', "export const a = process.platform === 'win32';\n"),
    ).toEqual([]);
  });
});
