import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { inheritedVariableNames } from '../../main/platform/environment.js';
import { HOST_OS } from '../../main/platform/os.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { callOrThrow, runToEnd } from '../support/runs.js';

// These tests use the real OS keychain: a private gnome-keyring the vitest global setup starts.

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.services.secrets.delete('PROBE_TOKEN');
  await app?.close();
  app = undefined;
});

/** A token like real API tokens, unique per test so no other run can have left it anywhere. */
const newToken = () => `sd-${randomBytes(16).toString('hex')}`;

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('secrets a script declares', () => {
  it('a run is refused before anything starts when a declared secret is not set, naming it', async () => {
    ({ app } = await appWithCatalogue());
    const result = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'secret-probe', inputs: { mode: 'print' } },
      { transport: 'http' },
    );
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'secret_missing',
        message:
          '"Secret probe" needs the secret PROBE_TOKEN, which is not set on this computer yet.',
      },
    });
    expect((await callOrThrow(app, 'run.list', {})).runs).toEqual([]);
    expect(app.services.journal.list(10).map((e) => e.event.type)).not.toContain(
      'dev.scriptdesk.run.started',
    );
  });

  it('scriptdesk run names the missing secret and the command that sets it', async () => {
    let home: string;
    ({ app, home } = await appWithCatalogue());
    await app.close();
    app = undefined;
    const inputs = path.join(home, 'inputs.json');
    await writeFile(inputs, JSON.stringify({ mode: 'print' }));
    const result = await scriptdesk(home, ['run', 'secret-probe', '--inputs', inputs]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"Secret probe" needs the secret PROBE_TOKEN');
    expect(result.stderr).toContain('Set it with: scriptdesk secrets set secret-probe PROBE_TOKEN');
    ({ app } = await appWithCatalogue());
  });

  it('the script gets exactly the allow-listed variables, the run variables and its declared secret', async () => {
    ({ app } = await appWithCatalogue());
    const token = newToken();
    await app.services.secrets.set('PROBE_TOKEN', token);
    const { detail } = await runToEnd(app, { scriptId: 'secret-probe', inputs: { mode: 'print' } });
    expect(detail.status).toBe('succeeded');
    const seen = JSON.parse(await readFile(path.join(detail.outputDir, 'seen.json'), 'utf8')) as {
      names: string[];
      tokenSha256: string;
    };
    const inherited = inheritedVariableNames(HOST_OS).filter((name) => process.env[name]);
    expect(seen.names).toEqual(
      [
        ...inherited,
        'PATH',
        'TMPDIR',
        'SCRIPTDESK_RUN_ID',
        'SCRIPTDESK_INPUTS',
        'SCRIPTDESK_OUTPUT_DIR',
        'SCRIPTDESK_DRY_RUN',
        'PROBE_TOKEN',
      ].sort(),
    );
    // Delivered intact (compared by hash: the script never writes the value itself).
    expect(seen.tokenSha256).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it.each(['print', 'fail'] as const)(
    'a secret the script prints (mode %s) never reaches the log, the events, the audit journal or any file of the home',
    async (mode) => {
      let home: string;
      ({ app, home } = await appWithCatalogue());
      const token = newToken();
      await app.services.secrets.set('PROBE_TOKEN', token);
      const { runId, detail, events } = await runToEnd(app, {
        scriptId: 'secret-probe',
        inputs: { mode },
      });
      expect(detail.status).toBe(mode === 'print' ? 'succeeded' : 'failed');

      const log = await readFile(path.join(path.dirname(detail.outputDir), 'log.txt'), 'utf8');
      expect(log).not.toContain(token);
      expect(log).not.toContain(token.slice(5)); // the half written after the cut, too
      const hidden = log.split('[hidden PROBE_TOKEN]').length - 1;
      // Eight prints of the token (plain, in a sentence, JSON, repr, mid-line, cut in two reads,
      // stderr, no final newline), and for "fail" the exception message in the traceback once more.
      expect(hidden).toBe(mode === 'print' ? 8 : 9);
      expect(JSON.stringify(events)).not.toContain(token);
      expect(JSON.stringify(detail)).not.toContain(token);

      const started = app.services.journal
        .list(20)
        .map((e) => e.event)
        .find((e) => e.type === 'dev.scriptdesk.run.started' && e.data.runId === runId);
      expect(started?.data.secrets).toEqual(['PROBE_TOKEN']);

      await app.close();
      app = undefined;
      const needle = Buffer.from(token);
      const holders: string[] = [];
      for (const file of await filesUnder(home))
        if ((await readFile(file)).includes(needle)) holders.push(path.relative(home, file));
      expect(holders).toEqual([]);
      // Leave the private keyring as it was for the next test.
      ({ app } = await appWithCatalogue());
    },
  );
});
