import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The HTTP plumbing the audit routes share: JSON answers, bearer tokens, capped bodies. */

/** Sends a JSON answer that is never cached or sniffed. */
export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  for (const [name, headerValue] of Object.entries(headers)) response.setHeader(name, headerValue);
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.writeHead(status).end(body);
}

/**
 * Sends `{ error: { code, message } }`. The message names the problem and the fix; callers never
 * put event content or tokens in it.
 */
export function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { error: { code, message } }, headers);
}

/**
 * Answers a request whose body will not be used (unauthorised, wrong type, too large), then
 * discards whatever is still arriving for a moment before dropping the connection. Closing at
 * once would make the client's kernel reset the connection while it is still uploading, and the
 * client would see "connection reset" instead of this answer; nothing discarded is kept.
 */
export function sendErrorAndDiscard(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendError(response, status, code, message, headers);
  if (request.complete) return;
  let discarded = 0;
  const drop = () => {
    clearTimeout(timer);
    request.destroy();
  };
  const timer = setTimeout(drop, DISCARD_FOR_MS).unref();
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_AT_MOST_BYTES) drop();
  });
  for (const done of ['end', 'close']) request.once(done, () => clearTimeout(timer));
  request.resume();
}

/** How long, and how much, {@link sendErrorAndDiscard} lets a client keep sending. */
const DISCARD_FOR_MS = 2_000;
const DISCARD_AT_MOST_BYTES = 64 * 1024 * 1024;

/** The SHA-256 of a token: what {@link hasBearerToken} compares, in constant time. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * True when the request carries `Authorization: Bearer <token>` for exactly this token. Digests
 * of equal length are compared with timingSafeEqual, so neither the token's length nor its
 * prefix leaks through timing.
 */
export function hasBearerToken(request: IncomingMessage, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  if (!match) return false;
  return timingSafeEqual(tokenDigest(match[1]!), expected);
}

/** The request's media type, lower-case, without parameters ("" when absent). */
export function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads the whole body, counting bytes as they stream in; undefined as soon as it would pass
 * `maxBytes` (also when Content-Length announces more), without keeping anything more. The
 * caller then answers 413 with {@link sendErrorAndDiscard}.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      request.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(new ClientGoneError(error));
    };
    const onClose = () => onError(new Error('the connection closed before the body ended'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/** The client hung up while sending its body: nobody is left to answer, and nothing to log. */
export class ClientGoneError extends Error {
  constructor(cause: Error) {
    super(`client went away: ${cause.message}`, { cause });
    this.name = 'ClientGoneError';
  }
}

/** Writes a chunk of a streamed answer, waiting for the client to take it; false when it left. */
export function writeChunk(response: ServerResponse, chunk: string): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (response.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (taken: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(taken);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/**
 * Reads a JSON request body of at most `maxBytes`: undefined once an error answer (415, 413,
 * 400) has been sent, naming what to send instead.
 */
export async function readJsonBody(
  request: IncomingMessage,
  response: ServerResponse,
  maxBytes: number,
): Promise<unknown> {
  if (mediaType(request) !== 'application/json') {
    sendErrorAndDiscard(
      request,
      response,
      415,
      'unsupported_media_type',
      'send Content-Type: application/json',
    );
    return undefined;
  }
  const body = await readBody(request, maxBytes);
  if (!body) {
    sendErrorAndDiscard(request, response, 413, 'body_too_large', 'the body is too large');
    return undefined;
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    sendError(response, 400, 'bad_json', 'the body is not JSON');
    return undefined;
  }
}
