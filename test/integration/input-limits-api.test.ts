import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import type { Result } from '../../main/contract/errors.js';
import { registerIpcHandlers, type IpcMainLike } from '../../main/electron/ipc.js';
import { startWebHost, type WebHost } from '../../main/host/web-host.js';
import { appWithCatalogue, REPO } from '../support/catalogue.js';

let app: ScriptDeskApp | undefined;
let host: WebHost | undefined;
afterEach(async () => {
  await host?.close();
  await app?.close();
  host = app = undefined;
});

/** A list nested so that inputs holding it under `data` are `levels` deep. */
function nestedList(levels: number): unknown {
  let value: unknown = [];
  for (let level = 2; level < levels; level += 1) value = [value];
  return value;
}

const DEPTH = (levels: number) =>
  `nested ${levels} levels deep; at most 32 levels are accepted. Flatten the data or pass a file path instead.`;

/** The real app served by the real loopback web host; `post` calls a method as the UI does. */
async function appOverHttp() {
  ({ app } = await appWithCatalogue());
  const served = app;
  host = await startWebHost({
    dispatch: served.dispatch,
    subscribe: (listener) => served.subscribe(listener),
    rendererDir: path.join(REPO, 'test', 'fixtures', 'renderer'),
  });
  const { origin, token } = host;
  const post = async (method: string, body: string) => {
    const response = await fetch(`${origin}/api/call/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body,
    });
    return { status: response.status, result: (await response.json()) as Result<unknown> };
  };
  return { app: served, post };
}

/** The run events of the journal, oldest first. */
const runEvents = (served: ScriptDeskApp) =>
  served.services.journal
    .list(100)
    .map((entry) => entry.event)
    .filter((event) => event.type.startsWith('dev.scriptdesk.run.'))
    .reverse();

describe('the API answers inputs over the limits with a clean failure, over HTTP and IPC', () => {
  it('run.start over HTTP with inputs 10,000 levels deep: invalid_inputs naming the depth, journaled, nothing run', async () => {
    const { app: served, post } = await appOverHttp();
    // Written by hand: JSON.stringify itself overflows the stack at this depth.
    const body = `{"scriptId":"probe","inputs":{"mode":"ok","data":${'['.repeat(9_999)}${']'.repeat(9_999)}}}`;
    const { status, result } = await post('run.start', body);
    expect(status).toBe(200);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_inputs',
        message: `The inputs are ${DEPTH(10_000)}`,
        fields: [{ path: '', message: `the inputs are ${DEPTH(10_000)}` }],
      },
    });
    expect(runEvents(served).map((event) => [event.type, event.data.code])).toEqual([
      ['dev.scriptdesk.run.refused', 'invalid_inputs'],
    ]);
  });

  it('run.validate over HTTP with a 100,001-item list: not valid, the limit named at the field', async () => {
    const { post } = await appOverHttp();
    const inputs = { mode: 'ok', data: new Array(100_001).fill(0) };
    const { result } = await post('run.validate', JSON.stringify({ scriptId: 'probe', inputs }));
    expect(result).toEqual({
      ok: true,
      value: {
        valid: false,
        errors: [
          {
            path: '/data',
            message:
              'the list at /data has 100001 items; at most 10000 items are accepted in one list. Put large data in a file and pass its path instead.',
          },
        ],
      },
    });
  });

  it('run.start over IPC, structured-cloned as Electron delivers it, 2,000 levels deep: invalid_inputs, journaled', async () => {
    ({ app } = await appWithCatalogue());
    const handlers = new Map<string, (event: null, input: unknown) => Promise<Result<unknown>>>();
    const ipc: IpcMainLike<null> = {
      handle: (channel, listener) => handlers.set(channel, listener),
    };
    registerIpcHandlers(ipc, app.dispatch, () => true);
    // V8's serializer (which IPC uses) recurses: about 3,000 levels is the most a renderer can send.
    const input = structuredClone({ scriptId: 'probe', inputs: { data: nestedList(2_000) } });
    const result = await handlers.get('api:run.start')!(null, input);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_inputs',
        message: `The inputs are ${DEPTH(2_000)}`,
        fields: [{ path: '', message: `the inputs are ${DEPTH(2_000)}` }],
      },
    });
    expect(runEvents(app).map((event) => event.type)).toEqual(['dev.scriptdesk.run.refused']);
  });
});
