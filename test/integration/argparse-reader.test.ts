import { describe, expect, it } from 'vitest';
import { argparseScripts } from '../../main/importing/argparse-import.js';
import { readArgparse } from '../../main/importing/argparse-reader.js';
import { ImportRefused } from '../../main/importing/import-refused.js';

/** Reads `source` as the file `tool.py` (in python3 -I, never run) and converts it. */
async function scriptsOf(source: string) {
  const bytes = Buffer.from(source);
  return argparseScripts(await readArgparse('tool.py', bytes), 'tool.py', 'tool', bytes);
}

describe('the static argparse reader follows parsers the ways scripts build them', () => {
  it('through an alias of the module, a function that returns the parser, and argument groups', async () => {
    const [script] = await scriptsOf(
      [
        'import argparse as ap',
        'def make():',
        '    p = ap.ArgumentParser(description="Tool.")',
        '    io = p.add_argument_group("input and output")',
        '    io.add_argument("--source", help="100%% of rows from %(metavar)s", metavar="FILE")',
        '    return p',
        'args = make().parse_args()',
      ].join('\n'),
    );
    expect(script!.fields).toEqual([
      {
        name: 'source',
        schema: { type: 'string', title: 'Source', description: '100% of rows from FILE' },
        required: false,
        ui: { 'ui:placeholder': 'FILE' },
      },
    ]);
    expect(script!.args).toEqual([{ flag: '--source', input: 'source' }]);
  });

  it('through "from argparse import ArgumentParser as AP" and a nested sub-command, one script per leaf', async () => {
    const scripts = await scriptsOf(
      [
        'from argparse import ArgumentParser as AP',
        'root = AP()',
        'root.add_argument("--profile")',
        'groups = root.add_subparsers(dest="area")',
        'users = groups.add_parser("users")',
        'actions = users.add_subparsers(dest="action")',
        'add = actions.add_parser("add", help="Adds a user.")',
        'add.add_argument("name")',
        'remove = actions.add_parser("remove")',
        'remove.add_argument("--keep-home", action="store_true")',
      ].join('\n'),
    );
    expect(scripts.map((s) => s.id)).toEqual(['tool-users-add', 'tool-users-remove']);
    expect(scripts[0]!.args).toEqual([
      { flag: '--profile', input: 'profile' },
      { command: 'users' },
      { command: 'add' },
      { positional: 'name' },
    ]);
    expect(scripts[0]!.summary).toBe('Adds a user.');
    expect(scripts[1]!.args).toEqual([
      { flag: '--profile', input: 'profile' },
      { command: 'users' },
      { command: 'remove' },
      { flag: '--keep-home', input: 'keep_home' },
    ]);
  });

  it('a second parser is named as a TODO, and its sub-commands are not mixed into the first', async () => {
    const scripts = await scriptsOf(
      [
        'import argparse',
        'first = argparse.ArgumentParser()',
        'first.add_argument("--one")',
        'second = argparse.ArgumentParser()',
        'second.add_subparsers().add_parser("other").add_argument("--two")',
      ].join('\n'),
    );
    expect(scripts.map((s) => s.id)).toEqual(['tool']);
    expect(scripts[0]!.fields.map((f) => f.name)).toEqual(['one']);
    expect(scripts[0]!.todos).toContainEqual(
      'the script builds 2 argument parsers; only the first (line 2) was imported',
    );
  });

  it('reads the file it is given without running it: code at the top level has no effect', async () => {
    const [script] = await scriptsOf(
      [
        'import argparse, os',
        'os.system("touch /tmp/scriptdesk-import-must-not-exist")',
        'raise SystemExit("the importer ran me")',
        'p = argparse.ArgumentParser()',
        'p.add_argument("--x", type=int, default=-3)',
      ].join('\n'),
    );
    expect(script!.fields[0]!.schema).toMatchObject({ type: 'integer', default: -3 });
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/scriptdesk-import-must-not-exist')).toBe(false);
  });
});

describe('what the argv template cannot say is a TODO, never a silent change', () => {
  it('options with other prefix characters or dots, REMAINDER, and nargs="?" with a const', async () => {
    const [script] = await scriptsOf(
      [
        'import argparse',
        'p = argparse.ArgumentParser(prefix_chars="-+")',
        'p.add_argument("+v", action="store_true")',
        'p.add_argument("--db.host")',
        'p.add_argument("--level", nargs="?", const="info")',
        'p.add_argument("command", nargs=argparse.REMAINDER)',
      ].join('\n'),
    );
    expect(script!.fields.map((field) => field.name)).toEqual(['level', 'command']);
    expect(script!.todos).toEqual([
      '+v: the option +v is not one an argv template can pass (letters, digits, "-" and "_" after - or --); it was left out',
      '--db.host: the option --db.host is not one an argv template can pass (letters, digits, "-" and "_" after - or --); it was left out',
      '--level given alone means "info" (nargs="?" with const); the form passes a value or nothing',
      'the positional command takes the rest of the command line (argparse.REMAINDER); the form takes one value',
    ]);
  });
});

describe('sub-commands that cannot each be a script are refused, naming them', () => {
  it('two names that make the same id, and one that makes an id too long', async () => {
    const long = 'x'.repeat(70);
    const error = await scriptsOf(
      [
        'import argparse',
        'p = argparse.ArgumentParser()',
        's = p.add_subparsers()',
        's.add_parser("sync_all")',
        's.add_parser("sync-all")',
        `s.add_parser("${long}")`,
      ].join('\n'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect((error as ImportRefused).problems).toEqual([
      'tool.py: the sub-commands "sync_all" and "sync-all" would both be the script "tool-sync-all"; import one of them by hand',
      `tool.py: the sub-command "${long}" would be the script "tool-${long}", longer than 64 characters; choose a shorter --out`,
    ]);
  });
});

describe('an option both the main parser and a sub-command define', () => {
  it('is offered once, the main parser’s, with a TODO for the other', async () => {
    const [script] = await scriptsOf(
      [
        'import argparse',
        'p = argparse.ArgumentParser()',
        'p.add_argument("-v", "--verbose", action="store_true")',
        's = p.add_subparsers()',
        'run = s.add_parser("run")',
        'run.add_argument("-v", "--verbose", action="store_true")',
      ].join('\n'),
    );
    expect(script!.args).toEqual([{ flag: '--verbose', input: 'verbose' }, { command: 'run' }]);
    expect(script!.fields.map((field) => field.name)).toEqual(['verbose']);
    expect(script!.todos).toEqual([
      '-v/--verbose of "run" repeats an option of the parser above it, which an argv template passes only once; it was left out',
    ]);
  });
});
