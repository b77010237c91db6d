import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { runData, testDevice } from '../support/audit-events.js';
import { ADMIN_TOKEN, INGEST_TOKEN, postEvents } from '../support/audit-server.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

let server: CatalogueServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(): Promise<string> {
  server = await startServer({
    audit: {
      database: path.join(await tempDir(), 'audit.sqlite'),
      ingestToken: INGEST_TOKEN,
      adminToken: ADMIN_TOKEN,
    },
  });
  return server.url;
}

const asAdmin = { env: { SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN } };

describe('scriptdesk audit … --server (the real CLI against a real endpoint)', () => {
  it('lists, exports and verifies what the endpoint holds, and names where a device chain breaks', async () => {
    const url = await serve();
    const home = await tempDir('scriptdesk-home-');
    const intact = testDevice();
    await postEvents(
      url,
      intact.events(3, () => runData({ user: 'alice', scriptId: 'report' })),
    );
    const broken = testDevice();
    const [one, , three] = broken.events(3, () => runData({ user: 'bob' }));
    await postEvents(url, [one!, three!]); // event 2 never arrives

    const list = await scriptdesk(
      home,
      ['audit', 'list', '--server', url, '--user', 'alice'],
      asAdmin,
    );
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(3);
    expect(list.stdout).toContain(intact.source);

    const csv = await scriptdesk(
      home,
      ['audit', 'export', '--server', url, '--format', 'csv', '--device', broken.source],
      asAdmin,
    );
    expect(csv.stdout.split('\r\n').filter(Boolean)).toHaveLength(3); // header + 2 events

    const verify = await scriptdesk(home, ['audit', 'verify', '--server', url], asAdmin);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`${intact.source}: intact (3 events)`);
    expect(verify.stdout).toContain(`${broken.source}: NOT intact, first break at event 2:`);
    const oneDevice = await scriptdesk(
      home,
      ['audit', 'verify', '--server', url, '--device', intact.source],
      asAdmin,
    );
    expect(oneDevice.code).toBe(0);
  });

  it('lists devices and revokes one; the endpoint then refuses its events', async () => {
    const url = await serve();
    const home = await tempDir('scriptdesk-home-');
    const device = testDevice();
    await postEvents(url, device.events(1));
    const devices = await scriptdesk(home, ['audit', 'devices', '--server', url], asAdmin);
    expect(devices.stdout).toContain(`key ${device.key}  active`);
    const revoke = await scriptdesk(
      home,
      ['audit', 'revoke', device.source, '--server', url],
      asAdmin,
    );
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toBe(`${device.source}: key ${device.key} is now revoked\n`);
    const refused = await postEvents(url, device.events(1));
    expect(refused.status).toBe(403);
  });

  it('refuses --device and --user without --server, and a missing admin token, in one line each', async () => {
    const home = await tempDir('scriptdesk-home-');
    const local = await scriptdesk(home, ['audit', 'list', '--user', 'alice']);
    expect(local.code).toBe(2);
    expect(local.stderr).toBe(
      "scriptdesk: --user needs --server URL: the local journal holds this computer's events only\n",
    );
    const url = await serve();
    const noToken = await scriptdesk(home, ['audit', 'verify', '--server', url], {
      env: { SCRIPTDESK_ADMIN_TOKEN: '' },
    });
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr).toContain('SCRIPTDESK_ADMIN_TOKEN');
    expect(noToken.stderr.trim().split('\n')).toHaveLength(1);
  });
});
