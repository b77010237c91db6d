import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../main/contract/api.js';
import { createDispatcher, type Handlers } from '../../main/contract/dispatcher.js';
import { ApiFailure } from '../../main/contract/errors.js';
import { registeredMethods } from '../../main/electron/ipc.js';
import { startWebHost } from '../../main/host/web-host.js';
import { REPO } from '../support/catalogue.js';

describe('the two transports', () => {
  it('expose exactly the same methods: every contract method over IPC and over HTTP, and nothing else', async () => {
    const ipcMethods = registeredMethods().sort();
    const reached: string[] = [];
    const host = await startWebHost({
      dispatch: async (method) => {
        reached.push(method);
        return { ok: true, value: null };
      },
      subscribe: () => () => {},
      rendererDir: path.join(REPO, 'test', 'fixtures', 'renderer'),
    });
    try {
      for (const method of [...METHOD_NAMES, 'not.a.method', '__proto__', 'constructor']) {
        const response = await fetch(`${host.origin}/api/call/${method}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
          body: '{}',
        });
        expect(response.status).toBe(200);
      }
    } finally {
      await host.close();
    }
    // HTTP hands every name to the dispatcher, which is the one place names are checked (below).
    expect(ipcMethods).toEqual([...METHOD_NAMES].sort());
    expect(reached.slice(0, METHOD_NAMES.length).sort()).toEqual(ipcMethods);
  });
});

describe('the dispatcher', () => {
  const handlers = Object.fromEntries(
    METHOD_NAMES.map((m) => [
      m,
      async () => {
        throw new Error(`unexpected call of ${m}`);
      },
    ]),
  ) as unknown as Handlers;

  it('refuses names that are not contract methods, including prototype names', async () => {
    const dispatch = createDispatcher(handlers, () => {});
    for (const name of ['not.a.method', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const result = await dispatch(name, {}, { transport: 'http' });
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
  });

  it('refuses input of the wrong shape with the field named, without calling the handler', async () => {
    const dispatch = createDispatcher(handlers, () => {});
    const result = await dispatch(
      'run.start',
      { scriptId: '../etc', inputs: {}, extra: true },
      { transport: 'ipc' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('bad_request');
    expect(result.error.fields!.map((f) => f.path).sort()).toEqual(['', '/scriptId']);
  });

  it('turns a service failure into its code and message, and an unexpected error into a generic message without details', async () => {
    const seen: unknown[] = [];
    const dispatch = createDispatcher(
      {
        ...handlers,
        'run.cancel': async () => {
          throw new ApiFailure('not_found', 'There is no run x.');
        },
        'run.list': async () => {
          throw new Error('SQLITE_CORRUPT at /home/secret/path');
        },
      },
      (_method, error) => seen.push(error),
    );
    expect(
      await dispatch(
        'run.cancel',
        { runId: '00000000-0000-0000-0000-000000000000' },
        { transport: 'http' },
      ),
    ).toEqual({ ok: false, error: { code: 'not_found', message: 'There is no run x.' } });
    const internal = await dispatch('run.list', {}, { transport: 'http' });
    expect(internal).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'run.list failed unexpectedly; the details are in the application log.',
      },
    });
    expect(seen).toHaveLength(1);
  });

  it('drops output fields a handler returns beyond the contract', async () => {
    const dispatch = createDispatcher(
      { ...handlers, 'run.cancel': async () => ({ cancelled: true, secret: 'x' }) as never },
      () => {},
    );
    expect(
      await dispatch(
        'run.cancel',
        { runId: '00000000-0000-0000-0000-000000000000' },
        { transport: 'http' },
      ),
    ).toEqual({ ok: true, value: { cancelled: true } });
  });
});
