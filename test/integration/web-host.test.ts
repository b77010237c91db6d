import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../main/contract/api.js';
import { MAX_BODY_BYTES, startWebHost, type WebHost } from '../../main/host/web-host.js';
import { REPO } from '../support/catalogue.js';
import { rawRequest } from '../support/http.js';
import type { Dispatch } from '../../main/contract/dispatcher.js';

const rendererDir = path.join(REPO, 'test', 'fixtures', 'renderer');
let host: WebHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const calls: { method: string; input: unknown; transport: string }[] = [];
const echoDispatch: Dispatch = async (method, input, context) => {
  calls.push({ method, input, transport: context.transport });
  return { ok: true, value: { echoed: method } };
};

async function start(
  dispatch: Dispatch = echoDispatch,
  subscribe: (l: (e: ApiEvent) => void) => () => void = () => () => {},
) {
  calls.length = 0;
  host = await startWebHost({ dispatch, subscribe, rendererDir });
  return host;
}

/** A raw request, so tests control the Host header (fetch does not allow that). */
const raw = (options: Parameters<typeof rawRequest>[1]) => rawRequest(host!.port, options);

describe('loopback web host', () => {
  it('listens on 127.0.0.1 with a fresh random token on every start', async () => {
    const first = await start();
    const firstToken = first.token;
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    await first.close();
    host = undefined;
    const second = await start();
    expect(second.token).not.toBe(firstToken);
  });

  it('forwards an authorised call to the dispatcher and returns its result as JSON', async () => {
    const h = await start();
    const response = await fetch(`${h.origin}/api/call/catalogue.list`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, value: { echoed: 'catalogue.list' } });
    expect(calls).toEqual([{ method: 'catalogue.list', input: {}, transport: 'http' }]);
  });

  it('refuses API calls without the token, with a wrong token, or with a look-alike token', async () => {
    const h = await start();
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${h.token}x`, h.token]) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (authorization) headers.Authorization = authorization;
      const response = await fetch(`${h.origin}/api/call/catalogue.list`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      expect(response.status).toBe(401);
    }
    expect(calls).toEqual([]);
  });

  it('refuses requests whose Host header is not this loopback address (DNS rebinding)', async () => {
    const h = await start();
    const response = await raw({
      path: '/api/call/catalogue.list',
      method: 'POST',
      headers: {
        Host: 'evil.example:80',
        Authorization: `Bearer ${h.token}`,
        'Content-Type': 'application/json',
      },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect((await raw({ path: '/', headers: { Host: `attacker.test:${h.port}` } })).status).toBe(
      403,
    );
    expect(calls).toEqual([]);
  });

  it('refuses calls from another origin even with the token', async () => {
    const h = await start();
    const response = await fetch(`${h.origin}/api/call/catalogue.list`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${h.token}`,
        'Content-Type': 'application/json',
        Origin: 'https://evil.example',
      },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('refuses non-JSON bodies (no simple cross-site form posts) and oversized bodies', async () => {
    const h = await start();
    const form = await fetch(`${h.origin}/api/call/run.start`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const big = await fetch(`${h.origin}/api/call/run.start`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(9 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(calls).toEqual([]);
  });

  it('answers a body one byte over the cap with 413 and a JSON bad_request naming the inputs limit, and reads one at the cap', async () => {
    const h = await start();
    const post = (bytes: number) =>
      fetch(`${h.origin}/api/call/run.validate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' },
        body: `{"scriptId":"probe","inputs":{"text":"${'x'.repeat(bytes - 41)}"}}`,
      });
    expect(MAX_BODY_BYTES).toBe(2 * 1024 * 1024 + 64 * 1024);
    const over = await post(MAX_BODY_BYTES + 1);
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await over.json()).toEqual({
      ok: false,
      error: {
        code: 'bad_request',
        message:
          "The request is over 2162688 bytes; for a run's inputs at most 2097152 bytes (2 MiB) are accepted. Put large data in a file and pass its path instead.",
      },
    });
    expect(calls).toEqual([]);
    const at = await post(MAX_BODY_BYTES);
    expect(at.status).toBe(200);
    expect(calls.map((call) => call.method)).toEqual(['run.validate']);
  });

  it('answers malformed JSON with a bad_request result', async () => {
    const h = await start();
    const response = await fetch(`${h.origin}/api/call/run.start`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' },
      body: '{"a":',
    });
    expect(await response.json()).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'The request body is not valid JSON.' },
    });
  });

  it('serves the UI with a strict Content-Security-Policy and nothing outside the build', async () => {
    const h = await start();
    const page = await raw({ path: '/', headers: { Host: `127.0.0.1:${h.port}` } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('fixture page');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    for (const probe of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/etc/passwd',
    ]) {
      expect((await raw({ path: probe, headers: { Host: `127.0.0.1:${h.port}` } })).status).toBe(
        404,
      );
    }
  });

  it('streams pushed events to an authorised client as server-sent events', async () => {
    let push: (event: ApiEvent) => void = () => {};
    const h = await start(echoDispatch, (listener) => {
      push = listener;
      return () => {};
    });
    const response = await fetch(`${h.origin}/api/events`, {
      headers: { Authorization: `Bearer ${h.token}` },
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    /** The next message: read until its blank line, however the network split or joined it. */
    let buffered = '';
    const nextMessage = async (): Promise<string> => {
      while (!buffered.includes('\n\n')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended after: ${buffered}`);
        buffered += decoder.decode(value, { stream: true });
      }
      const end = buffered.indexOf('\n\n') + 2;
      const message = buffered.slice(0, end);
      buffered = buffered.slice(end);
      return message;
    };
    expect(await nextMessage()).toBe(': connected\n\n');
    push({
      name: 'run.log',
      payload: {
        runId: 'r1',
        lines: [{ seq: 1, stream: 'stdout', line: 'hello', level: null }],
        omitted: 0,
        levels: { errors: 0, warnings: 0 },
      },
    });
    let event = await nextMessage();
    while (event === ': ping\n\n') event = await nextMessage(); // the keep-alive, every 15 s
    expect(event).toBe(
      'event: run.log\ndata: {"runId":"r1","lines":[{"seq":1,"stream":"stdout","line":"hello","level":null}],"omitted":0,"levels":{"errors":0,"warnings":0}}\n\n',
    );
    await reader.cancel();
  });
});
