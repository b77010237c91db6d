import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySource, makeKeys, REPO } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'import');

describe('scriptdesk import, as an admin runs it (dist/)', () => {
  it('writes the folders, lists every TODO on stderr, and the source builds as written', async () => {
    const home = await tempDir('scriptdesk-home-');
    const src = await copySource();
    const legacy = await scriptdesk(home, [
      'import',
      'argparse',
      path.join(FIXTURES, 'argparse', 'legacy_sync.py'),
      '--out',
      path.join(src, 'scripts', 'legacy-sync'),
      '--group',
      'everyone',
    ]);
    expect(legacy.code).toBe(0);
    expect(legacy.stdout).toMatch(
      /^Imported legacy-sync into .*legacy-sync \(\d+ fields, \d+ TODOs; see .*TODO\.md\)$/m,
    );
    const todoLines = legacy.stderr.trim().split('\n');
    expect(todoLines.length).toBeGreaterThanOrEqual(8);
    for (const line of todoLines) expect(line).toMatch(/^TODO: legacy-sync: /);
    expect(legacy.stderr).toMatch(
      /TODO: legacy-sync: line 18: --workers: the default is computed \(os\.cpu_count\(\)\)/,
    );
    const tool = await scriptdesk(home, [
      'import',
      'argparse',
      path.join(FIXTURES, 'argparse', 'inventory_tool.py'),
      '--out',
      path.join(src, 'scripts', 'inventory'),
    ]);
    expect(tool.code).toBe(0);
    expect(tool.stdout.trim().split('\n')).toHaveLength(3);
    for (const [format, file, id] of [
      ['awx-survey', path.join(FIXTURES, 'awx', 'provision-vm.survey.json'), 'vm'],
      ['script-server', path.join(FIXTURES, 'script-server', 'backup.json'), 'backup'],
    ] as const) {
      const result = await scriptdesk(home, [
        'import',
        format,
        file,
        '--out',
        path.join(src, 'scripts', id),
      ]);
      expect(result.code, result.stderr).toBe(0);
    }
    // The script-server config names backup_db.py, found beside it and copied as the entry file.
    expect(await readdir(path.join(src, 'scripts', 'backup'))).toContain('backup_db.py');
    const keys = await makeKeys();
    const out = path.join(await tempDir('scriptdesk-pub-'), 'published');
    const build = await scriptdesk(home, [
      'catalogue',
      'build',
      src,
      '--key',
      keys.privateKeyFile,
      '--out',
      out,
    ]);
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/9 scripts/);
  });

  it('a bad file is one line naming it and the fix, exit 1, and nothing written', async () => {
    const home = await tempDir('scriptdesk-home-');
    const parent = await tempDir('scriptdesk-import-');
    const result = await scriptdesk(home, [
      'import',
      'script-server',
      path.join(FIXTURES, 'script-server', 'unknown-types.json'),
      '--out',
      path.join(parent, 'odd'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'scriptdesk: import: 3 problems, nothing was written',
      expect.stringMatching(
        /^error: .*unknown-types\.json: parameters\[0\] \("When"\): unknown parameter type "datetime"; use one of text, int, list, multiselect, editable_list, file_upload, server_file, ip, ip4, ip6, multiline_text$/,
      ),
      expect.stringMatching(
        /^error: .*unknown-types\.json: parameters\[1\] \("Colour"\): unknown parameter type "color"; use one of /,
      ),
      expect.stringMatching(
        /^error: .*unknown-types\.json: parameters\[3\] \("Fine again"\): the param "--fine"/,
      ),
    ]);
    const single = await scriptdesk(home, [
      'import',
      'argparse',
      path.join(FIXTURES, 'argparse', 'broken.py'),
      '--out',
      path.join(parent, 'broken'),
    ]);
    expect(single.code).toBe(1);
    expect(single.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^scriptdesk: import: .*broken\.py: line 3: Python syntax error \(.*\); fix the script \(python3 -m py_compile .*broken\.py shows it\) and import again$/,
      ),
    ]);
    expect(await readdir(parent)).toEqual([]);
  });

  it('--help names the three formats, and each says what it reads', async () => {
    const home = await tempDir('scriptdesk-home-');
    const help = await scriptdesk(home, ['import', '--help']);
    expect(help.stdout).toMatch(/argparse \[options\] <script\.py>/);
    expect(help.stdout).toMatch(/awx-survey \[options\] <survey\.json>/);
    expect(help.stdout).toMatch(/script-server \[options\] <config\.json>/);
    expect(help.stdout).toMatch(/Nothing is run/);
    const sub = await scriptdesk(home, ['import', 'argparse', '--help']);
    expect(sub.stdout).toMatch(/--out <dir>/);
    expect(sub.stdout).toMatch(/--force/);
    expect(sub.stdout).toMatch(/--group <name>/);
  });
});
