import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signerFor } from '../../main/audit/device-key.js';
import { AuditJournal } from '../../main/audit/journal.js';
import { AuditReporter, backoffDelay, type ReporterOptions } from '../../main/audit/reporter.js';
import { openDatabase, type Db } from '../../main/storage/database.js';
import { waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function journalWith(events: number): Promise<AuditJournal> {
  const db: Db = openDatabase(path.join(await tempDir('scriptdesk-reporter-'), 'j.sqlite'));
  closers.push(() => db.close());
  const journal = new AuditJournal(db, 'urn:scriptdesk:device:reporter-test');
  journal.setSigner(signerFor(generateKeyPairSync('ed25519').privateKey));
  for (let i = 0; i < events; i++)
    journal.append('dev.scriptdesk.settings.changed', 'settings', { setting: 's', change: `${i}` });
  return journal;
}

/** A real HTTP endpoint on 127.0.0.1 answering with `answer`; records what it was sent. */
async function fakeEndpoint(
  answer: (batch: { id: string }[], request: IncomingMessage, response: ServerResponse) => void,
) {
  const seen: { authorization: string | undefined; backlog: unknown; ids: string[] }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const batch = JSON.parse(body) as { id: string }[];
      seen.push({
        authorization: request.headers.authorization,
        backlog: request.headers['scriptdesk-backlog'],
        ids: batch.map((e) => e.id),
      });
      answer(batch, request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

function storedAll(batch: { id: string }[], response: ServerResponse, status = 200) {
  const results = batch.map((e) => ({ id: e.id, status: 'stored' }));
  response
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ results, stored: results.length, duplicates: 0, refused: 0 }));
}

/**
 * A deadline no test reaches: a flush ends as soon as everything is delivered, so a far deadline
 * costs nothing when all goes well, and a busy machine cannot turn a slow answer into a failure.
 * Tests of failures flush with `retry: false` and read the first failure, whatever the time.
 */
const whenever = () => new Date(Date.now() + 3_600_000);

/** A reporter delivering `journal` to `endpoint` with a valid token, and any other `options`. */
function reporterFor(
  journal: AuditJournal,
  endpoint: { url: string },
  options: Partial<ReporterOptions> = {},
): AuditReporter {
  return new AuditReporter({
    journal,
    endpoint: endpoint.url,
    token: async () => 'the-token-0123456789',
    ...options,
  });
}

describe('the audit reporter', () => {
  it('backs off with full jitter: up to min × 2^(failures − 1), capped at max', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, 1000, 300_000, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 16000, 256000,
    ]);
    expect(backoffDelay(12, 1000, 300_000, () => 1)).toBe(300_000);
    expect(backoffDelay(3, 1000, 300_000, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, 1000, 300_000, () => 0)).toBe(1);
  });

  it('sends the bearer token, the backlog and the events in sequence order, and marks them delivered only when acknowledged', async () => {
    const journal = await journalWith(7);
    const endpoint = await fakeEndpoint((batch, _request, response) => storedAll(batch, response));
    const reporter = reporterFor(journal, endpoint, { batchSize: 3 });
    const status = await reporter.flush(whenever());
    expect(status).toMatchObject({ pending: 0, lastError: null });
    expect(endpoint.seen.map((s) => s.ids.length)).toEqual([3, 3, 1]);
    // Each batch says how many events the journal still held, itself included (silent-device alert).
    expect(endpoint.seen.map((s) => s.backlog)).toEqual(['7', '4', '1']);
    expect(endpoint.seen.every((s) => s.authorization === 'Bearer the-token-0123456789')).toBe(
      true,
    );
    const order = journal
      .list(10)
      .reverse()
      .map((e) => e.event.id);
    expect(endpoint.seen.flatMap((s) => s.ids)).toEqual(order);
  });

  it('keeps events whose acknowledgement names only some of them, and sends the rest again', async () => {
    const journal = await journalWith(4);
    let calls = 0;
    const endpoint = await fakeEndpoint((batch, _request, response) =>
      storedAll(calls++ === 0 ? batch.slice(0, 2) : batch, response),
    );
    const reporter = reporterFor(journal, endpoint, { minDelayMs: 1 });
    expect((await reporter.flush(whenever())).pending).toBe(0);
    expect(endpoint.seen.map((s) => s.ids.length)).toEqual([4, 2]);
  });

  it('halves the batch when the endpoint says it is too large, then delivers everything', async () => {
    const journal = await journalWith(10);
    const endpoint = await fakeEndpoint((batch, _request, response) =>
      batch.length > 3 ? response.writeHead(413).end() : storedAll(batch, response),
    );
    const reporter = reporterFor(journal, endpoint, { batchSize: 10, minDelayMs: 1 });
    expect((await reporter.flush(whenever())).pending).toBe(0);
    expect(endpoint.seen.map((s) => s.ids.length)).toEqual([10, 5, 2, 2, 2, 2, 2]);
  });

  it.each([
    [
      401,
      /refused this computer's token; an administrator sets the right one with: scriptdesk audit token set/,
    ],
    [503, /answered HTTP 503/],
    [200, /is not a batch result/],
  ])(
    'an answer %i leaves everything pending and says why, never echoing the token',
    async (code, why) => {
      const journal = await journalWith(2);
      const endpoint = await fakeEndpoint((_batch, _request, response) =>
        response.writeHead(code, { 'content-type': 'text/plain' }).end('nope'),
      );
      const reporter = reporterFor(journal, endpoint);
      const status = await reporter.flush(whenever(), { retry: false });
      expect(status.pending).toBe(2);
      expect(status.lastError).toMatch(why);
      expect(status.lastError).not.toContain('the-token');
    },
  );

  it('follows no redirect, so neither the token nor the records go anywhere but the configured endpoint', async () => {
    const journal = await journalWith(2);
    const elsewhere = await fakeEndpoint((batch, _request, response) => storedAll(batch, response));
    const endpoint = await fakeEndpoint((_batch, _request, response) =>
      response.writeHead(307, { location: `${elsewhere.url}v1/events` }).end(),
    );
    const reporter = reporterFor(journal, endpoint);
    const status = await reporter.flush(whenever(), { retry: false });
    expect(elsewhere.seen).toEqual([]);
    expect(status.pending).toBe(2);
    expect(status.lastError).toContain(`redirects (HTTP 307 to ${elsewhere.url}v1/events)`);
  });

  it('stop() abandons a request the endpoint never answers, leaving its events pending', async () => {
    const journal = await journalWith(2);
    let arrived: () => void = () => {};
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    const endpoint = await fakeEndpoint(() => arrived()); // never answers
    const reporter = reporterFor(journal, endpoint, { timeoutMs: 600_000 });
    reporter.start();
    await requested;
    await reporter.stop();
    expect(journal.deliveryState()).toMatchObject({ pending: 2, lastError: null });
  });

  it('without a token it sends nothing and says how to set one', async () => {
    const journal = await journalWith(1);
    const endpoint = await fakeEndpoint((batch, _request, response) => storedAll(batch, response));
    const reporter = reporterFor(journal, endpoint, { token: async () => null });
    const status = await reporter.flush(whenever(), { retry: false });
    expect(endpoint.seen).toEqual([]);
    expect(status).toMatchObject({
      pending: 1,
      lastError: expect.stringContaining('scriptdesk audit token set'),
    });
  });

  it('in the background, a new event is delivered without being asked, and stop() ends the loop', async () => {
    const journal = await journalWith(0);
    const endpoint = await fakeEndpoint((batch, _request, response) => storedAll(batch, response));
    let tokenReads = 0;
    const reporter = reporterFor(journal, endpoint, {
      token: async () => {
        tokenReads++;
        return 'the-token-0123456789';
      },
    });
    reporter.start();
    journal.append('dev.scriptdesk.settings.changed', 'settings', { setting: 's', change: 'x' });
    await waitFor(() => journal.deliveryState().lastDeliveryAt !== null, 'the event to arrive');
    expect(journal.deliveryState().pending).toBe(0);
    await reporter.stop();
    const readsWhenStopped = tokenReads;
    journal.append('dev.scriptdesk.settings.changed', 'settings', { setting: 's', change: 'y' });
    // A loop still running would be woken by the append and read the token (its first step
    // towards sending) in the same turn of the event loop, before this setImmediate runs.
    await new Promise((resolve) => setImmediate(resolve));
    expect(tokenReads).toBe(readsWhenStopped);
    expect(endpoint.seen).toHaveLength(1);
    expect(journal.deliveryState().pending).toBe(1);
  });
});
