import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../main/contract/api.js';
import { startWebHost, type WebHost } from '../../main/host/web-host.js';
import { EventStream } from '../../renderer/src/transport/event-stream.js';
import { REPO } from '../support/catalogue.js';

const rendererDir = path.join(REPO, 'test', 'fixtures', 'renderer');

/** A loopback host whose pushed events the test sends, and whose subscribers it can count. */
async function startPushingHost() {
  const listeners = new Set<(event: ApiEvent) => void>();
  const host = await startWebHost({
    dispatch: async () => ({ ok: true, value: {} }),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    rendererDir,
  });
  return {
    host,
    push: (event: ApiEvent) => listeners.forEach((listener) => listener(event)),
    subscribers: () => listeners.size,
  };
}

const status = (scriptId: string, state: 'building' | 'ready'): ApiEvent => ({
  name: 'environment.status',
  payload: { scriptId, environment: { state, message: null } },
});

/** Resolves when `predicate` holds, looked at every few milliseconds; the test's timeout ends a hang. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const hosts: WebHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

describe('EventStream (the page’s server-sent events from the loopback host)', () => {
  it('calls onOpen once the host has subscribed the stream, so a read after it misses no event', async () => {
    const first = await startPushingHost();
    hosts.push(first.host);
    const events: ApiEvent[] = [];
    const opened: number[] = [];
    const stream = new EventStream({
      url: `${first.host.origin}/api/events`,
      headers: { Authorization: `Bearer ${first.host.token}` },
      fetch: globalThis.fetch.bind(globalThis),
    });
    // Pushed before anyone listens: lost, which is why subscribers must read again on open.
    first.push(status('early', 'ready'));
    const stop = stream.add(
      (event) => events.push(event),
      () => opened.push(first.subscribers()),
    );
    await until(() => opened.length === 1);
    // When onOpen runs, the host already delivers to this stream.
    expect(opened).toEqual([1]);
    first.push(status('after', 'ready'));
    await until(() => events.length === 1);
    expect(events).toEqual([status('after', 'ready')]);
    stop();
    await until(() => first.subscribers() === 0);
  });

  it('calls onOpen again after the host went away and the stream reconnected', async () => {
    let current = await startPushingHost();
    hosts.push(current.host);
    const opened: string[] = [];
    const events: ApiEvent[] = [];
    // The host comes back on another port: the page's fetch reaches whichever host is up.
    const stream = new EventStream({
      url: '/api/events',
      headers: {},
      initialDelayMs: 10,
      fetch: (url, init) =>
        fetch(`${current.host.origin}${String(url)}`, {
          ...init,
          headers: { ...init?.headers, Authorization: `Bearer ${current.host.token}` },
        }),
    });
    const stop = stream.add(
      (event) => events.push(event),
      () => opened.push(current.host.origin),
    );
    await until(() => opened.length === 1);
    const gone = current.host.origin;
    const next = await startPushingHost();
    hosts.push(next.host);
    await current.host.close();
    current = next;
    await until(() => opened.length === 2);
    expect(opened).toEqual([gone, next.host.origin]);
    next.push(status('csv-summary', 'ready'));
    await until(() => events.length === 1);
    expect(events).toEqual([status('csv-summary', 'ready')]);
    stop();
  });
});
