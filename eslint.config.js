import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { layersRule } from './build/lint/layers.js';

/** Electron may only be imported in the thin shell and the preload bridge; everything else runs under plain Node. */
const electronOutsideShell = {
  paths: [
    {
      name: 'electron',
      message:
        'Only main/electron/ and preload/ may import electron; take what you need as an interface.',
    },
    { name: 'electron-updater', message: 'Only main/electron/ may import electron-updater.' },
  ],
};

/**
 * The floors of the house, from the ground up: a folder may import only folders on lower floors.
 * This is the picture of the code's structure; change it deliberately, and say why.
 */
const FLOORS = [
  ['main/platform'],
  ['main/shared'],
  ['main/contract'],
  ['forms'],
  ['main/storage', 'main/secrets', 'main/identity', 'main/policy', 'main/updates'],
  ['main/catalogue'],
  ['main/python', 'main/audit'],
  ['main/runs', 'main/governance'],
  ['main/publishing', 'main/server', 'main/importing', 'main/schedules'],
  ['main/app', 'main/review'],
  ['main/host'],
  ['main/cli', 'main/dev', 'main/electron', 'preload', 'renderer'],
];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      '.scriptdesk-dev/',
      'build/bundle-preload.d.mts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      'no-restricted-imports': ['error', electronOutsideShell],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // One-way house: folders import down the floors only, and no file imports itself back in a loop.
    files: ['main/**', 'forms/**', 'renderer/**', 'preload/**'],
    plugins: { 'import-x': importX, scriptdesk: { rules: { layers: layersRule } } },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.cts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.cts'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
        }),
      ],
    },
    rules: {
      'scriptdesk/layers': ['error', { root: import.meta.dirname, floors: FLOORS }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Every OS decision lives in main/platform/ (see its README): nothing else asks which OS it is.
    files: ['main/**/*.ts', 'forms/**/*.ts'],
    ignores: ['main/platform/os.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'platform',
          message:
            'OS decisions live in main/platform/: take an OsName (HOST_OS) and use its rules.',
        },
        {
          object: 'os',
          property: 'platform',
          message:
            'OS decisions live in main/platform/: take an OsName (HOST_OS) and use its rules.',
        },
      ],
    },
  },
  {
    // Small files that do one thing: no file of main/ grows past 400 lines.
    files: ['main/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] },
  },
  {
    // The shell and the bridge are where Electron lives.
    files: ['main/electron/**', 'preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tests drive electron-updater's real updaters in plain Node through a fake AppAdapter
    // (see main/updates/README.md); Electron itself stays out of them.
    files: ['test/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOutsideShell.paths[0]] }] },
  },
  {
    // Sandboxed preloads are CommonJS; `import x = require()` is how TypeScript writes that.
    files: ['preload/**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**', 'forms/theme/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronOutsideShell,
          patterns: [
            { group: ['node:*'], message: 'The renderer is a browser page: no Node modules.' },
          ],
        },
      ],
    },
  },
  prettier,
);
