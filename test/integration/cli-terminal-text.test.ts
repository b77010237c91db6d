import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { testDevice } from '../support/audit-events.js';
import { ADMIN_TOKEN, INGEST_TOKEN, postEvents } from '../support/audit-server.js';
import { copySource, publish, addTestScript } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

/**
 * A right-to-left override, a colour sequence, BEL and CR: each would reorder, colour, ring or
 * overwrite what the terminal shows if printed raw.
 */
const HOSTILE = 'Sales \u202eredro\u001b[31m red\u0007 bell\r over';
/** How every human-readable line shows HOSTILE. */
const ESCAPED = 'Sales \\u202eredro\\u001b[31m red\\u0007 bell\\u000d over';
/** A control, bidi or invisible character left raw in output (LF between lines is fine). */
// eslint-disable-next-line no-control-regex -- control characters are what must not appear
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A catalogue with `hostile-title`: HOSTILE as its title; prints its `text` input as log and progress. */
async function hostileSource(): Promise<string> {
  const src = await copySource();
  await addTestScript(src, {
    id: 'hostile-title',
    title: HOSTILE,
    summary: `Test script whose texts hold terminal controls: ${HOSTILE}`,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: { text: { type: 'string', maxLength: 200 } },
    },
    main: [
      'import json, os',
      'inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))',
      '# The protocol line ends at CR, so the label is what comes before it.',
      'print("::progress 50 " + inputs["text"].split("\\r")[0])',
      'print("log: " + inputs["text"])',
      '',
    ].join('\n'),
  });
  return src;
}

/** A home synced (through the CLI) to the hostile catalogue. */
async function hostileHome(): Promise<{ home: string; work: string }> {
  const { keys, published } = await publish(await hostileSource());
  const home = await tempDir('scriptdesk-cli-home-');
  const sync = await scriptdesk(home, [
    'sync',
    '--from',
    published,
    '--pubkey',
    keys.publicKeyFile,
  ]);
  expect(sync.stderr).toBe('');
  expect(sync.code).toBe(0);
  return { home, work: await tempDir('scriptdesk-cli-work-') };
}

describe('the CLI shows control characters from catalogues, journals and files escaped', () => {
  it('list prints a hostile script title escaped, and list --json keeps it exact', async () => {
    const { home } = await hostileHome();
    const list = await scriptdesk(home, ['list']);
    expect(list.code).toBe(0);
    const line = list.stdout.split('\n').find((l) => l.startsWith('hostile-title '));
    expect(line?.replace(/^hostile-title\s+1\.0\.0\s+/, '')).toBe(ESCAPED);
    expect(list.stdout).not.toMatch(RAW);

    const json = await scriptdesk(home, ['list', '--json']);
    const scripts = JSON.parse(json.stdout) as { id: string; title: string; summary: string }[];
    expect(scripts.find((s) => s.id === 'hostile-title')).toMatchObject({
      title: HOSTILE,
      summary: expect.stringContaining(HOSTILE) as unknown,
    });
    expect(json.stdout).not.toMatch(RAW);
  });

  it('run prints the script log and progress escaped, and audit list shows a hostile reason escaped', async () => {
    const { home, work } = await hostileHome();
    const inputs = path.join(work, 'inputs.json');
    await writeFile(inputs, JSON.stringify({ text: HOSTILE }));
    const run = await scriptdesk(home, [
      'run',
      'hostile-title',
      '--inputs',
      inputs,
      '--reason',
      `ticket 7 ${HOSTILE}`,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`log: ${ESCAPED}\n`);
    expect(run.stderr).toContain(`[50%] ${ESCAPED.split('\\u000d')[0]}\n`);
    expect(run.stderr).not.toMatch(RAW);

    const audit = await scriptdesk(home, [
      'audit',
      'list',
      '--type',
      'dev.scriptdesk.run.requested',
    ]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain(`reason "ticket 7 ${ESCAPED}"\n`);
    expect(audit.stdout).not.toMatch(RAW);
  });

  it('an error quoting a hostile file name stays one line on stderr, escaped', async () => {
    const { home, work } = await hostileHome();
    const name = path.join(work, `evil\u001b[2J\u202e\nscriptdesk: all inputs valid.json`);
    const run = await scriptdesk(home, ['run', 'hostile-title', '--inputs', name]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `scriptdesk: ${work}/evil\\u001b[2J\\u202e\\u000ascriptdesk: all inputs valid.json: cannot read the inputs file (ENOENT)\n`,
    );
  });

  it('usage errors quoting what was typed are escaped too', async () => {
    const { home } = await hostileHome();
    const result = await scriptdesk(home, ['audit', 'list', '--limit', `5\u001b[8m`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'scriptdesk: --limit "5\\u001b[8m" must be a whole number from 1 to 1000\n',
    );
    const unknown = await scriptdesk(home, [`li\u202est`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'li\\u202est'");
    expect(unknown.stderr).not.toMatch(RAW);
  });
});

describe('the CLI shows what an audit endpoint sends escaped', () => {
  let server: CatalogueServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('audit devices and audit list --server print a device name holding bidi and C1 controls escaped', async () => {
    server = await startServer({
      audit: {
        database: path.join(await tempDir(), 'audit.sqlite'),
        ingestToken: INGEST_TOKEN,
        adminToken: ADMIN_TOKEN,
      },
    });
    // The envelope refuses C0 controls and DEL in a source; C1 and bidi controls get through.
    const device = testDevice('laptop-\u202e\u009b2Jevil');
    await postEvents(server.url, device.events(1));
    const home = await tempDir('scriptdesk-home-');
    const asAdmin = { env: { SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN } };

    const devices = await scriptdesk(home, ['audit', 'devices', '--server', server.url], asAdmin);
    expect(devices.code).toBe(0);
    expect(devices.stdout).toMatch(/^laptop-\\u202e\\u009b2Jevil {2}1 events, up to 1\n/);
    expect(devices.stdout).not.toMatch(RAW);
    const list = await scriptdesk(home, ['audit', 'list', '--server', server.url], asAdmin);
    expect(list.stdout).toMatch(/ {2}laptop-\\u202e\\u009b2Jevil\n$/);
    expect(list.stdout).not.toMatch(RAW);
  });
});
