import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AuditStore } from '../audit/audit-store.js';
import {
  ClientGoneError,
  readJsonBody,
  sendError,
  sendErrorAndDiscard,
  sendJson,
  tokenDigest,
} from '../audit/http-json.js';
import { answerKeyChange } from '../audit/key-change-route.js';
import type { RouteHandler } from '../catalogue-files.js';
import {
  clearedCookie,
  clientAddress,
  isSameOrigin,
  isTls,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from './console-http.js';
import { alertRoutes } from './alert-routes.js';
import { readRoutes } from './read-routes.js';
import {
  SESSION_MS,
  SessionStore,
  SignInLimiter,
  type ConsoleRole,
  type Session,
} from './sessions.js';

export interface ConsoleOptions {
  store: AuditStore;
  adminToken: string;
  /** `SCRIPTDESK_AUDITOR_TOKEN`: signs in read-only; absent: only admins sign in. */
  auditorToken?: string;
  /** Whether the server runs with an alerts config (the Alerts page says how to turn them on). */
  alertsEnabled?: boolean;
  /** Serves the console's pages (GET under /console/ outside /console/api/); absent: none. */
  pages?: RouteHandler;
  /** One line per failed request: never a token, a session id or event content. */
  log: (line: string) => void;
  now?: () => number;
}

const MAX_JSON_BYTES = 16 * 1024;
const SignInSchema = z.object({ token: z.string().min(1).max(1000) }).strict();
/**
 * The audit console under `/console/`: sign-in with the admin or auditor token to a server-side
 * session (an HttpOnly, SameSite=Strict cookie, Secure over TLS), the read-only API for both
 * roles, approve and revoke for admins only, each written to the admin log. Every POST must come
 * from the console's own origin (Sec-Fetch-Site or Origin) and carry JSON.
 */
export function createConsoleHandler(options: ConsoleOptions): RouteHandler {
  const { store } = options;
  const sessions = new SessionStore(options.now);
  const limiter = new SignInLimiter(options.now);
  const digests: [ConsoleRole, Buffer][] = [
    ['admin', tokenDigest(options.adminToken)],
    ...(options.auditorToken
      ? ([['auditor', tokenDigest(options.auditorToken)]] as [ConsoleRole, Buffer][])
      : []),
  ];
  const reads = { ...readRoutes(store), ...alertRoutes(store, options.alertsEnabled === true) };

  /** The role a token opens, comparing digests in constant time (every digest, every time). */
  function roleOf(token: string): ConsoleRole | undefined {
    const offered = tokenDigest(token);
    let role: ConsoleRole | undefined;
    for (const [name, digest] of digests) if (timingSafeEqual(offered, digest)) role ??= name;
    return role;
  }

  async function signIn(request: IncomingMessage, response: ServerResponse) {
    const address = clientAddress(request);
    const allowed = limiter.attempt(address);
    if (!allowed.ok)
      return sendErrorAndDiscard(
        request,
        response,
        429,
        'too_many_attempts',
        `too many sign-in attempts from this address; try again in ${allowed.retryAfterSeconds} s`,
        { 'Retry-After': String(allowed.retryAfterSeconds) },
      );
    const json = await readJsonBody(request, response, MAX_JSON_BYTES);
    if (json === undefined) return;
    const parsed = SignInSchema.safeParse(json);
    if (!parsed.success)
      return sendError(response, 400, 'bad_request', 'the body must be {"token": "<token>"}');
    const role = roleOf(parsed.data.token);
    if (!role)
      return sendError(
        response,
        401,
        'wrong_token',
        'this is not the admin or auditor token of this server; ask whoever runs it',
      );
    limiter.succeeded(address);
    const session = sessions.open(role);
    sendJson(response, 200, describe(session), {
      'Set-Cookie': sessionCookie(session.id, SESSION_MS / 1000, isTls(request)),
    });
  }

  const changeKeys =
    (action: 'approve' | 'revoke') =>
    async (request: IncomingMessage, response: ServerResponse, session: Session) => {
      if (session.role !== 'admin')
        return sendErrorAndDiscard(
          request,
          response,
          403,
          'admin_only',
          'auditors can read the record but not approve or revoke devices; sign in with the admin token',
        );
      // A label of the session, never its id: the id is a credential.
      const label = createHash('sha256').update(session.id).digest('hex').slice(0, 8);
      await answerKeyChange(request, response, store, action, `console:admin session ${label}`);
    };

  const posts: Record<
    string,
    (request: IncomingMessage, response: ServerResponse, session: Session) => Promise<void>
  > = {
    '/console/api/session/end': async (request, response, session) => {
      sessions.close(session.id);
      response.setHeader('Set-Cookie', clearedCookie(isTls(request)));
      sendJson(response, 200, { signedOut: true });
    },
    '/console/api/devices/approve': changeKeys('approve'),
    '/console/api/devices/revoke': changeKeys('revoke'),
  };

  async function api(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    search: URLSearchParams,
  ) {
    const isPost = request.method === 'POST';
    if (isPost && !isSameOrigin(request))
      return sendErrorAndDiscard(
        request,
        response,
        403,
        'cross_origin',
        'this request did not come from the console’s own pages',
      );
    if (pathname === '/console/api/session' && isPost) return signIn(request, response);
    const session = sessions.find(readCookie(request, SESSION_COOKIE));
    if (!session)
      return sendErrorAndDiscard(
        request,
        response,
        401,
        'signed_out',
        'not signed in, or the session ended; sign in again',
      );
    if (pathname === '/console/api/session' && request.method === 'GET')
      return sendJson(response, 200, describe(session));
    const post = Object.hasOwn(posts, pathname) ? posts[pathname] : undefined;
    const read = Object.hasOwn(reads, pathname) ? reads[pathname] : undefined;
    if (!post && !read) return sendError(response, 404, 'not_found', 'no such console API route');
    if (post && isPost) return post(request, response, session);
    if (read && request.method === 'GET') return read(response, search);
    return sendErrorAndDiscard(
      request,
      response,
      405,
      'method_not_allowed',
      `use ${post ? 'POST' : 'GET'} here`,
      {
        Allow: post ? 'POST' : 'GET',
      },
    );
  }

  return async (request, response) => {
    const target = request.url ?? '';
    const query = target.indexOf('?');
    const pathname = query === -1 ? target : target.slice(0, query);
    if (pathname !== '/console' && !pathname.startsWith('/console/')) return false;
    if (!pathname.startsWith('/console/api/')) {
      if (options.pages && (await options.pages(request, response))) return true;
      sendError(response, 404, 'not_found', 'the console pages are not built into this server');
      return true;
    }
    const search = new URLSearchParams(query === -1 ? '' : target.slice(query + 1));
    try {
      await api(request, response, pathname, search);
    } catch (error) {
      if (error instanceof ClientGoneError) return true;
      options.log(
        `scriptdesk server: ${request.method} ${pathname.replace(/[^\x21-\x7e]/g, '?')} failed: ${(error as Error).message.replace(/\s+/g, ' ')}`,
      );
      if (response.headersSent) response.destroy();
      else sendError(response, 503, 'store_unavailable', 'the audit store failed; try again');
    }
    return true;
  };
}

function describe(session: Session) {
  return { role: session.role, expiresAt: new Date(session.expiresAt).toISOString() };
}
