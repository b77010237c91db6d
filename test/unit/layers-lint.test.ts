import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS ESLint rule without type declarations
import { layersRule } from '../../build/lint/layers.js';

const root = '/repo';
const floors = [['main/shared'], ['main/contract'], ['main/storage', 'main/secrets'], ['main/app']];

function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: root });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as Linter.Parser },
        plugins: { scriptdesk: { rules: { layers: layersRule } } },
        rules: { 'scriptdesk/layers': ['error', { root, floors }] },
      },
    ],
    path.join(root, file),
  );
  return messages.map((message) => message.message);
}

describe('the one-way layers lint rule', () => {
  it('lets a folder import a folder on a lower floor and its own files', () => {
    expect(
      lint(
        'main/app/app.ts',
        "import { a } from '../shared/files.js';\nimport { b } from './handlers.js';\nimport type { C } from '../contract/api.js';\nexport const x = [a, b] as C;",
      ),
    ).toEqual([]);
  });

  it('refuses an import up the floors, naming both folders, the order and the fix', () => {
    const [message, ...rest] = lint(
      'main/shared/files.ts',
      "import { openApp } from '../app/app.js';\nexport const x = openApp;",
    );
    expect(rest).toEqual([]);
    expect(message).toBe(
      'main/shared may not import main/app (../app/app.js): imports between folders go down only (main/shared < main/contract < main/storage, main/secrets < main/app). Move what both need into a lower folder (main/shared for small helpers), or pass it in from above.',
    );
  });

  it('refuses an import sideways between two folders on the same floor', () => {
    expect(
      lint('main/storage/database.ts', "export { get } from '../secrets/secret-store.js';"),
    ).toHaveLength(1);
  });

  it('checks type-only and dynamic imports too', () => {
    expect(
      lint(
        'main/contract/api.ts',
        "import type { App } from '../app/app.js';\nexport const load = () => import('../app/app.js');\nexport type A = App;",
      ),
    ).toHaveLength(2);
  });

  it('leaves files outside the listed folders (tests, benchmarks) and packages alone', () => {
    expect(lint('test/unit/x.test.ts', "import { a } from '../../main/app/app.js';")).toEqual([]);
    expect(lint('main/shared/x.ts', "import { z } from 'zod';\nexport const y = z;")).toEqual([]);
  });
});
