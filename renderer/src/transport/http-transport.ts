import type { MethodInput, MethodName, MethodOutput } from '../../../main/contract/api.js';
import type { ApiError, Result } from '../../../main/contract/errors.js';
import type { Transport } from '../../../main/contract/transport.js';
import { EventStream } from './event-stream.js';
import { isResult } from './result-shape.js';

/** How the page reaches the loopback host; `fetch` is replaceable for tests. */
export interface HttpTransportOptions {
  /** The access token from the address `scriptdesk web` printed; absent when the page was opened without it. */
  token: string | undefined;
  /** Origin of the host, empty for the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

const REFUSED: ApiError = {
  code: 'forbidden',
  message:
    'ScriptDesk refused this page: its access key is missing or out of date. Open the address printed by “scriptdesk web” (or “npm start”) again.',
};

const UNREACHABLE: ApiError = {
  code: 'internal',
  message:
    'Cannot reach ScriptDesk. Check that “scriptdesk web” (or “npm start”) is still running, then try again.',
};

function unexpectedAnswer(status: number): ApiError {
  return {
    code: 'internal',
    message: `ScriptDesk gave an answer this page does not understand (HTTP ${status}). Reload the page and try again.`,
  };
}

/** The {@link Transport} for the loopback web host: `POST /api/call/<method>` and an SSE stream at `/api/events`. */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const { token, baseUrl = '' } = options;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const events = new EventStream({
    url: `${baseUrl}/api/events`,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    fetch: fetchFn,
  });

  async function call<M extends MethodName>(
    method: M,
    input: MethodInput<M>,
  ): Promise<Result<MethodOutput<M>>> {
    if (!token) return { ok: false, error: REFUSED };
    let response: Response;
    try {
      response = await fetchFn(`${baseUrl}/api/call/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      return { ok: false, error: UNREACHABLE };
    }
    if (response.status === 401 || response.status === 403) return { ok: false, error: REFUSED };
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { ok: false, error: unexpectedAnswer(response.status) };
    }
    // The body is trusted only for its shape; main already validated the value against the contract.
    return isResult(body)
      ? (body as Result<MethodOutput<M>>)
      : { ok: false, error: unexpectedAnswer(response.status) };
  }

  return {
    call,
    subscribe: (listener, onOpen) => (token ? events.add(listener, onOpen) : () => {}),
  };
}
