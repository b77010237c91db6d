import { describe, expect, it } from 'vitest';
import type { ArgTemplateEntry } from '../../main/catalogue/manifest.js';
import { ScriptManifestSchema } from '../../main/catalogue/manifest.js';
import { buildArgs, checkArgTemplate } from '../../main/runs/argv-template.js';

const template: ArgTemplateEntry[] = [
  { flag: '--month', input: 'month' },
  { flag: '--all', input: 'all' },
  { flag: '--region', input: 'regions' },
  { flag: '--filter', input: 'filter' },
  { flag: '-n', input: 'limit' },
  { flag: '--dry-run', dryRun: true },
  { positional: 'files' },
];

describe('argv templates', () => {
  it('keep each value inside its option argument, repeat lists, and put positionals after --', () => {
    expect(
      buildArgs(
        template,
        {
          month: '--help',
          all: true,
          regions: ['EU', '-x'],
          filter: { a: 1 },
          limit: 0,
          files: ['-rf', 'b c'],
        },
        true,
      ),
    ).toEqual([
      '--month=--help',
      '--all',
      '--region=EU',
      '--region=-x',
      '--filter={"a":1}',
      '-n=0',
      '--dry-run',
      '--',
      '-rf',
      'b c',
    ]);
  });

  it('pass nothing for absent, null, empty or false inputs, and no -- without positionals', () => {
    expect(
      buildArgs(template, { month: '', all: false, regions: [], filter: null }, false),
    ).toEqual([]);
  });

  it('put a sub-command word where the template places it, between the main options and its own', () => {
    expect(
      buildArgs(
        [
          { flag: '--verbose', input: 'verbose' },
          { command: 'export' },
          { flag: '--since', input: 'since' },
          { positional: 'target' },
        ],
        { verbose: true, since: '2026-01-01', target: '-x' },
        false,
      ),
    ).toEqual(['--verbose', 'export', '--since=2026-01-01', '--', '-x']);
  });

  it('refuse a sub-command word that could be read as an option or holds spaces', () => {
    for (const command of ['--help', '-x', 'two words', '', 'a/b'])
      expect(ScriptManifestSchema.shape.args.safeParse([{ command }]).success, command).toBe(false);
    expect(ScriptManifestSchema.shape.args.safeParse([{ command: 'export.v2' }]).success).toBe(
      true,
    );
  });

  it('give a script without a template no arguments at all', () => {
    expect(buildArgs(undefined, { month: '2026-01' }, true)).toEqual([]);
  });

  it('are refused at build when they name an undeclared input, repeat an option or pass a dry-run option the script does not support', () => {
    expect(
      checkArgTemplate(
        [
          { flag: '--month', input: 'month' },
          { flag: '--month', input: 'year' },
          { positional: 'nope' },
          { flag: '--dry-run', dryRun: true },
        ],
        new Set(['month', 'year']),
        false,
      ),
    ).toEqual([
      'field `args.1` uses the option --month a second time; give each option once',
      'field `args.2` names the input "nope", which form.schema.json does not declare; use one of its top-level properties',
      'field `args.3` passes --dry-run for dry runs but `supportsDryRun` is false; set it to true or remove the entry',
    ]);
  });

  it.each([
    ['an option that is not an option', { flag: 'month', input: 'month' }],
    ['an option with an equals sign', { flag: '--a=b', input: 'month' }],
    ['an option with a space', { flag: '--a b', input: 'month' }],
    ['an entry with both a flag and a positional', { flag: '--a', positional: 'month' }],
    ['a dry-run entry set to false', { flag: '--dry-run', dryRun: false }],
  ])('refuse %s in script.json', (_name, entry) => {
    const manifest = {
      id: 'x',
      title: 'X',
      summary: '',
      category: 'C',
      version: '1.0.0',
      entrypoint: 'main.py',
      python: '',
      timeoutSeconds: 10,
      secrets: [],
      allowed: { users: ['*'], groups: [] },
      destructive: false,
      supportsDryRun: true,
      requireReason: false,
      exitCodes: {},
    };
    expect(ScriptManifestSchema.safeParse({ ...manifest, args: [] }).success).toBe(true);
    expect(ScriptManifestSchema.safeParse({ ...manifest, args: [entry] }).success).toBe(false);
  });
});
