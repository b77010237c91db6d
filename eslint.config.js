import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

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
    // The shell and the bridge are where Electron lives.
    files: ['main/electron/**', 'preload/**'],
    rules: { 'no-restricted-imports': 'off' },
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
