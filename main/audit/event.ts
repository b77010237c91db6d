import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';

/**
 * A CloudEvents 1.0 event as ScriptDesk writes it, with four extension attributes that make a
 * device's journal tamper-evident:
 *
 * - `sequence`: 1, 2, 3… per device, so a deleted or reordered event leaves a gap;
 * - `prevhash`: {@link eventHash} of the previous event of the device ("" for the first);
 * - `devicekey`: the device's Ed25519 public key (raw 32 bytes, base64), so an endpoint can
 *   register a device the first time it is seen;
 * - `signature`: Ed25519 over {@link signingBytes} (every attribute but `signature`), base64.
 */
export interface AuditEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  sequence: number;
  prevhash: string;
  devicekey: string;
  signature: string;
  data: Record<string, unknown>;
}

/** An event before it is signed. */
export type UnsignedEvent = Omit<AuditEvent, 'signature'>;

/** Most bytes one event may take as JSON (a run's inputs may hold a long text). */
export const MAX_EVENT_BYTES = 2 * 1024 * 1024;

const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

/**
 * The envelope every stored or received event must have. `data` is any JSON object; its fields
 * per type are described by the published JSON Schema (see `event-data.ts`).
 */
export const AuditEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: printable(200),
    source: printable(300),
    type: z
      .string()
      .max(200)
      .regex(
        /^[a-z0-9]+(\.[a-z0-9-]+)+$/,
        'must be a reverse-DNS name such as dev.scriptdesk.run.started',
      ),
    time: z.iso.datetime({ offset: true }),
    subject: printable(300),
    datacontenttype: z.literal('application/json'),
    sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    prevhash: z.union([z.literal(''), z.string().regex(/^[0-9a-f]{64}$/)]),
    devicekey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 Ed25519 public key'),
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature'),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();

/** The bytes that are hashed and signed: the event without `signature`, keys sorted. */
export function signingBytes(event: UnsignedEvent | AuditEvent): Buffer {
  const { signature: _signature, ...unsigned } = event as AuditEvent;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

/** The hash the next event of the device names as its `prevhash` (sha256 hex of {@link signingBytes}). */
export function eventHash(event: UnsignedEvent | AuditEvent): string {
  return createHash('sha256').update(signingBytes(event)).digest('hex');
}

/** The stored form of an event: canonical JSON, so the same event is always the same bytes. */
export function eventBody(event: AuditEvent): string {
  return canonicalJson(event);
}

/** Signs an event with the device's private key. */
export function signEvent(event: UnsignedEvent, privateKey: KeyObject): AuditEvent {
  return sealEvent(event, privateKey).event;
}

/** A signed event with its hash and stored body, each computed once. */
export interface SealedEvent {
  event: AuditEvent;
  /** {@link eventHash} of the event. */
  hash: string;
  /** {@link eventBody} of the event. */
  body: string;
}

/** Signs an event and computes its hash from the same canonical bytes (the journal's hot path). */
export function sealEvent(unsigned: UnsignedEvent, privateKey: KeyObject): SealedEvent {
  const text = canonicalJson(unsigned);
  const bytes = Buffer.from(text, 'utf8');
  const signature = sign(null, bytes, privateKey).toString('base64');
  // The body is the same canonical text with "signature" in its sorted place, just before the
  // top-level "source". Found from the end: every top-level value after it is a plain string, in
  // which an unescaped quote cannot occur, so the last `,"source":` is the top-level one.
  const at = text.lastIndexOf(',"source":');
  return {
    event: { ...unsigned, signature },
    hash: createHash('sha256').update(bytes).digest('hex'),
    body: `${text.slice(0, at)},"signature":${JSON.stringify(signature)}${text.slice(at)}`,
  };
}

/** The base64 raw public key of an Ed25519 key (private or public), as `devicekey` carries it. */
export function publicKeyBase64(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}

const publicKeys = new Map<string, KeyObject>();

function publicKeyFrom(base64: string): KeyObject {
  let key = publicKeys.get(base64);
  if (!key) {
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(base64, 'base64').toString('base64url') },
      format: 'jwk',
    });
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(base64, key);
  }
  return key;
}

/**
 * True when `signature` is a valid signature of the event by the key in its own `devicekey`.
 * Whether that key is the device's registered key is for the caller to decide.
 */
export function hasValidSignature(event: AuditEvent): boolean {
  return isSignedBy(signingBytes(event), event.signature, event.devicekey);
}

/** True when `signature` (base64) is a valid Ed25519 signature of `bytes` by `publicKey` (base64). */
export function isSignedBy(bytes: Buffer, signature: string, publicKey: string): boolean {
  try {
    return verify(null, bytes, publicKeyFrom(publicKey), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Parses one event's JSON text; the error says what is wrong, in one line, without echoing values. */
export function parseEvent(
  json: unknown,
): { ok: true; event: AuditEvent } | { ok: false; message: string } {
  const parsed = AuditEventSchema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data as AuditEvent };
  const issue = parsed.error.issues[0]!;
  return {
    ok: false,
    message: `${issue.path.join('.') || 'event'}: ${issue.message}`,
  };
}
