import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  eventBody,
  eventHash,
  hasValidSignature,
  parseEvent,
  publicKeyBase64,
  sealEvent,
  type UnsignedEvent,
} from '../../main/audit/event.js';

const key = generateKeyPairSync('ed25519').privateKey;

function unsigned(data: Record<string, unknown>): UnsignedEvent {
  return {
    specversion: '1.0',
    id: 'e-1',
    source: 'urn:scriptdesk:device:test',
    type: 'dev.scriptdesk.run.finished',
    time: '2026-11-21T10:00:00.000Z',
    subject: 'probe@1.0.0',
    datacontenttype: 'application/json',
    sequence: 7,
    prevhash: 'a'.repeat(64),
    devicekey: publicKeyBase64(key),
    data,
  };
}

describe('sealing an event', () => {
  it('stores exactly the canonical JSON of the signed event, even when data imitates the envelope', () => {
    const tricky = { note: ',"source":"x"', nested: { sequence: 1, source: 'y', '"source"': 2 } };
    const sealed = sealEvent(unsigned(tricky), key);
    expect(sealed.body).toBe(eventBody(sealed.event));
    expect(sealed.hash).toBe(eventHash(sealed.event));
    expect(JSON.parse(sealed.body)).toEqual(sealed.event);
    expect(hasValidSignature(sealed.event)).toBe(true);
  });

  it('a signature no longer matches once any attribute or data field changes', () => {
    const { event } = sealEvent(unsigned({ user: 'ana', status: 'succeeded' }), key);
    expect(hasValidSignature({ ...event, data: { ...event.data, status: 'failed' } })).toBe(false);
    expect(hasValidSignature({ ...event, sequence: 8 })).toBe(false);
    expect(hasValidSignature({ ...event, prevhash: 'b'.repeat(64) })).toBe(false);
    const other = publicKeyBase64(generateKeyPairSync('ed25519').privateKey);
    expect(hasValidSignature({ ...event, devicekey: other })).toBe(false);
  });
});

describe('parsing a received event', () => {
  const { event } = sealEvent(unsigned({}), key);

  it('accepts a well-formed event and keeps CR, LF and control characters inside data', () => {
    const withText = sealEvent(unsigned({ note: 'a\r\nb\u0000c' }), key).event;
    const parsed = parseEvent(JSON.parse(eventBody(withText)));
    expect(parsed).toEqual({ ok: true, event: withText });
  });

  it.each([
    ['an unknown attribute', { ...event, extra: 1 }, 'event: '],
    ['a control character in the subject', { ...event, subject: 'a\nb' }, 'subject: '],
    ['a sequence of 0', { ...event, sequence: 0 }, 'sequence: '],
    ['a short prevhash', { ...event, prevhash: 'abc' }, 'prevhash: '],
    ['another specversion', { ...event, specversion: '0.3' }, 'specversion: '],
    ['a signature that is not base64', { ...event, signature: 'x' }, 'signature: '],
  ])('refuses %s, naming the attribute', (_name, candidate, prefix) => {
    const parsed = parseEvent(candidate);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message.startsWith(prefix)).toBe(true);
  });
});
