import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The console's HTTP decisions as plain functions: the session cookie, whether a request came
 * over TLS, and whether a state-changing request comes from the console's own pages (CSRF).
 */

export const SESSION_COOKIE = 'scriptdesk_console';
/** The cookie goes only with requests under the console. */
const COOKIE_PATH = '/console/';

/** The value of one cookie of the request, or undefined. */
export function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at === -1) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * True when the request reached us over TLS, directly or through a proxy that says so. The
 * header only ever makes the cookie stricter (`Secure`), so trusting it costs nothing.
 */
export function isTls(request: IncomingMessage): boolean {
  if ((request.socket as TLSSocket).encrypted === true) return true;
  const forwarded = request.headers['x-forwarded-proto'];
  return typeof forwarded === 'string' && forwarded.split(',')[0]!.trim() === 'https';
}

/** `Set-Cookie` for a session: HttpOnly, SameSite=Strict, Secure over TLS, with its lifetime. */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    `Path=${COOKIE_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/**
 * True when a state-changing request comes from a page of this server: `Sec-Fetch-Site:
 * same-origin` where the browser sends it, else an `Origin` equal to the request's own. A request
 * with neither is refused: every browser that can run the console sends one of them.
 */
export function isSameOrigin(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (typeof origin !== 'string' || typeof host !== 'string') return false;
  return origin === `${isTls(request) ? 'https' : 'http'}://${host}`;
}

/** The client's address for the sign-in limit. */
export function clientAddress(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}
