import type { Transport } from '../../../main/contract/transport.js';
import { createHttpTransport } from './http-transport.js';
import { createIpcTransport } from './ipc-transport.js';
import { takeSessionToken } from './session-token.js';

export type { Transport };

/** The transport for this page: the Electron preload bridge when present, else HTTP to the loopback host. */
export function createTransport(page: Window = window): Transport {
  if (page.scriptdesk) return createIpcTransport(page.scriptdesk);
  return createHttpTransport({ token: takeSessionToken(page) });
}
