import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../main/contract/api.js';
import {
  createScriptDeskBridge,
  pathOfDroppedFile as bridgePathOfDroppedFile,
  type IpcRendererLike,
  type ScriptDeskBridge,
} from '../../preload/bridge.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** A hand-written ipcRenderer: records invokes, answers them, and lets the test push events. */
class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: Array<[string, unknown]> = [];
  readonly listeners = new Map<string, Set<Listener>>();
  answer: (channel: string, input: unknown) => Promise<unknown> = async (channel) => ({
    ok: true,
    value: channel,
  });

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, args[0]]);
    return this.answer(channel, args[0]);
  }
  on(channel: string, listener: Listener): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, payload: unknown): void {
    const ipcEvent = { sender: 'the IpcRendererEvent the page must never see' };
    this.listeners.get(channel)?.forEach((listener) => listener(ipcEvent, payload));
  }
}

describe('preload bridge', () => {
  it('invokes api:<method> with the input for a contract method and resolves to main’s Result', async () => {
    const ipc = new FakeIpcRenderer();
    const result = await createScriptDeskBridge(ipc).call('catalogue.list', {});
    expect(ipc.invoked).toEqual([['api:catalogue.list', {}]]);
    expect(result).toEqual({ ok: true, value: 'api:catalogue.list' });
  });

  it.each(['nope', 'constructor', '__proto__', 'toString', 'api:run.start', 'event', ''])(
    'refuses the method name %j without touching IPC',
    async (name) => {
      const ipc = new FakeIpcRenderer();
      const result = await createScriptDeskBridge(ipc).call(name, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
      expect(ipc.invoked).toEqual([]);
    },
  );

  it('refuses a method name that is not a string', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createScriptDeskBridge(ipc);
    const result = await (bridge.call as (method: unknown, input: unknown) => Promise<unknown>)(
      { toString: () => 'run.start' },
      {},
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(ipc.invoked).toEqual([]);
  });

  it('turns a failed invoke into a Result instead of a rejected promise', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.answer = async () => {
      throw new Error(
        "Error invoking remote method 'api:run.start': An object could not be cloned.",
      );
    };
    await expect(createScriptDeskBridge(ipc).call('run.start', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    ipc.answer = async () => {
      throw new Error('No handler registered');
    };
    await expect(createScriptDeskBridge(ipc).call('run.start', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('hands listeners the event payload only, and stops after unsubscribe', () => {
    const ipc = new FakeIpcRenderer();
    const received: unknown[][] = [];
    const unsubscribe = createScriptDeskBridge(ipc).onEvent(
      (...args: unknown[]) => void received.push(args),
    );
    const payload = {
      name: 'run.log',
      payload: { runId: 'r', lines: [{ seq: 1, stream: 'stdout', line: 'hi' }], omitted: 0 },
    };
    ipc.emit('api:event', payload);
    unsubscribe();
    unsubscribe();
    ipc.emit('api:event', payload);
    expect(received).toEqual([[payload]]);
    expect(ipc.listeners.get('api:event')?.size).toBe(0);
  });
});

describe('preload bundle', () => {
  let dir: string;
  let code: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-preload-'));
    const { bundlePreload } = await import('../../build/bundle-preload.mjs');
    await bundlePreload(path.join(dir, 'index.cjs'));
    code = await readFile(path.join(dir, 'index.cjs'), 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the bundle as a sandboxed preload would: with only a fake `electron` to require. */
  function runBundle() {
    const ipc = new FakeIpcRenderer();
    const exposed: Array<[string, unknown]> = [];
    const electron = {
      ipcRenderer: ipc,
      webUtils: { getPathForFile: () => '/home/ana/dropped.csv' },
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => void exposed.push([key, api]),
      },
    };
    const required: string[] = [];
    const require = (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    const module = { exports: {} };
    vm.runInNewContext(code, { require, module, exports: module.exports });
    return { ipc, exposed, required };
  }

  it('is small and carries no zod or other package', () => {
    expect(code).not.toMatch(/zod/i);
    expect(code).not.toContain('node_modules');
    expect(code.length).toBeLessThan(20_000);
  });

  it('exposes exactly call, onEvent and pathOfDroppedFile as window.scriptdesk, requiring nothing but electron', () => {
    const { exposed, required } = runBundle();
    expect(exposed.map(([key]) => key)).toEqual(['scriptdesk']);
    expect(Object.keys(exposed[0]![1] as object).sort()).toEqual([
      'call',
      'onEvent',
      'pathOfDroppedFile',
    ]);
    expect(required).toEqual(['electron']);
  });

  it('gives a dropped File’s path on disk, and null for anything else the page passes', () => {
    const { exposed } = runBundle();
    const { pathOfDroppedFile } = exposed[0]![1] as { pathOfDroppedFile: (f: unknown) => unknown };
    // In the preload's own context there is no File: nothing the page passes is taken for one.
    expect(pathOfDroppedFile({ name: 'dropped.csv', path: '/etc/passwd' })).toBeNull();
    expect(pathOfDroppedFile('/etc/passwd')).toBeNull();
    const webUtils = { getPathForFile: () => '/home/ana/dropped.csv' };
    expect(pathOfDroppedFile.length).toBe(1);
    const file = new File(['a,b'], 'dropped.csv');
    expect(bridgePathOfDroppedFile(webUtils, file)).toBe('/home/ana/dropped.csv');
    expect(bridgePathOfDroppedFile({ getPathForFile: () => '' }, file)).toBeNull();
    expect(bridgePathOfDroppedFile(webUtils, { name: 'x.csv' })).toBeNull();
  });

  it('knows every contract method, and no other name, at run time', async () => {
    const { exposed, ipc } = runBundle();
    const api = exposed[0]![1] as ScriptDeskBridge;
    for (const method of METHOD_NAMES) await api.call(method, {});
    await api.call('run.delete', {});
    expect(ipc.invoked.map(([channel]) => channel)).toEqual(METHOD_NAMES.map((m) => `api:${m}`));
  });
});
