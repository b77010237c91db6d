import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../main/contract/api.js';
import type { Transport } from '../../main/contract/transport.js';
import { withFirstAnswers } from '../../renderer/src/transport/first-answers.js';

/** A transport that answers every call with a numbered result and records what was asked. */
function countingTransport() {
  const sent: string[] = [];
  const listeners: ((event: ApiEvent) => void)[] = [];
  const transport: Transport = {
    call: async (method, input) => {
      sent.push(`${method} ${JSON.stringify(input)}`);
      if (method === 'catalogue.get')
        return { ok: false, error: { code: 'not_found', message: `answer ${sent.length}` } };
      return { ok: true, value: `answer ${sent.length}` as never };
    },
    subscribe: (listener) => {
      listeners.push(listener);
      return () => {};
    },
  };
  return { transport, sent, listeners };
}

/** Lets every promise already resolved run its callbacks. */
async function settled(): Promise<void> {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve();
}

describe('withFirstAnswers (the calls the window makes as it opens, sent before React loads)', () => {
  it('sends the first calls at once, before anything asks for them', () => {
    const { transport, sent } = countingTransport();
    withFirstAnswers(transport, [
      { method: 'app.info', input: {} },
      { method: 'catalogue.list', input: {} },
    ]);
    expect(sent).toEqual(['app.info {}', 'catalogue.list {}']);
  });

  it('hands each answer to the first call of the same method and input, once; later calls ask again', async () => {
    const { transport, sent } = countingTransport();
    const wrapped = withFirstAnswers(transport, [
      { method: 'app.info', input: {} },
      { method: 'catalogue.list', input: {} },
    ]);
    expect(await wrapped.call('catalogue.list', {})).toEqual({ ok: true, value: 'answer 2' });
    expect(await wrapped.call('app.info', {})).toEqual({ ok: true, value: 'answer 1' });
    expect(sent).toHaveLength(2);
    expect(await wrapped.call('app.info', {})).toEqual({ ok: true, value: 'answer 3' });
    expect(sent).toEqual(['app.info {}', 'catalogue.list {}', 'app.info {}']);
  });

  it('hands out a refusal the same way: a failed first call is not sent twice', async () => {
    const { transport, sent } = countingTransport();
    const wrapped = withFirstAnswers(transport, [
      { method: 'catalogue.get', input: { scriptId: 'csv-summary' } },
    ]);
    expect(await wrapped.call('catalogue.get', { scriptId: 'csv-summary' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'answer 1' },
    });
    expect(sent).toHaveLength(1);
  });

  it('sends a call with other input, or of a method not sent first, straight to main', async () => {
    const { transport, sent } = countingTransport();
    const wrapped = withFirstAnswers(transport, [
      { method: 'catalogue.get', input: { scriptId: 'csv-summary' } },
    ]);
    await wrapped.call('catalogue.get', { scriptId: 'rename-files' });
    await wrapped.call('audit.status', {});
    expect(sent).toEqual([
      'catalogue.get {"scriptId":"csv-summary"}',
      'catalogue.get {"scriptId":"rename-files"}',
      'audit.status {}',
    ]);
    // The unused first answer is still there for the call it was made for.
    expect(await wrapped.call('catalogue.get', { scriptId: 'csv-summary' })).toMatchObject({
      error: { message: 'answer 1' },
    });
  });

  it('does not hand out an answer that arrived more than 5 s before it was asked for', async () => {
    const { transport, sent } = countingTransport();
    let now = 1_000;
    const wrapped = withFirstAnswers(
      transport,
      [{ method: 'catalogue.list', input: {} }],
      () => now,
    );
    await settled(); // the answer arrives at 1 000 ms
    now = 6_001;
    expect(await wrapped.call('catalogue.list', {})).toEqual({ ok: true, value: 'answer 2' });
    expect(sent).toEqual(['catalogue.list {}', 'catalogue.list {}']);
  });

  it('passes event subscriptions through to the transport', () => {
    const { transport, listeners } = countingTransport();
    const wrapped = withFirstAnswers(transport, []);
    const listener = () => {};
    wrapped.subscribe(listener);
    expect(listeners).toEqual([listener]);
  });
});
