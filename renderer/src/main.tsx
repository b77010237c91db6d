import type { MethodName } from '../../main/contract/api.js';
import { PAGE_CODE } from './routing/page-code.js';
import { paintPageEarly } from './settings/theme-mirror.js';
import { parseRoute, type Route } from './routing/route.js';
import {
  firstAnswersArrived,
  withFirstAnswers,
  type FirstCall,
} from './transport/first-answers.js';
import { createTransport } from './transport/index.js';
import { warmTextOrder } from './text-order.js';

// The entry script is small on purpose (no React, no Material UI): it asks main for what the
// first screen shows and starts fetching that screen's code, then loads the window itself, so
// the calls, the downloads and the parsing of React all happen at once instead of in turn.

/** The calls the window makes as it opens on `route` (see App, ScriptsPage, ScriptDetail). */
function firstCalls(route: Route): FirstCall[] {
  const calls: FirstCall<MethodName>[] = [
    { method: 'app.info', input: {} },
    { method: 'catalogue.status', input: {} },
    { method: 'audit.status', input: {} },
  ];
  if (route.page === 'scripts') calls.push({ method: 'catalogue.list', input: {} });
  if (route.page === 'scripts' && route.scriptId)
    calls.push({ method: 'catalogue.get', input: { scriptId: route.scriptId } });
  return calls;
}

// Before anything else: a dark-theme user must not see a white page while the window loads.
paintPageEarly();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');
const route = parseRoute(window.location.hash);
// Created first: the HTTP transport takes the access token out of the address.
const transport = withFirstAnswers(createTransport(), firstCalls(route));
const windowCode = import('./window.js');
// A failure shows where the page is used (PartBoundary), with its reason.
PAGE_CODE[route.page]().catch(() => {});
// The Scripts page sorts its list with a collator, whose first construction is costly.
if (route.page === 'scripts') warmTextOrder();

/**
 * How long the window, once its code is here, waits for main's first answers: rendering with
 * them saves a pass through "Connecting…" and "Loading scripts…"; a slow main is shown waiting.
 */
const PATIENCE_MS = 1_000;

Promise.all([windowCode, firstAnswersArrived(transport, PATIENCE_MS)])
  .then(([{ showWindow }]) => showWindow(container, transport))
  .catch((error: unknown) => {
    // No React to show it with: plain text, never markup.
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.style.cssText = 'font: 16px system-ui, sans-serif; margin: 2rem; max-width: 40rem';
    message.textContent = `ScriptDesk's window could not be loaded (${error instanceof Error ? error.message : String(error)}). Check that ScriptDesk is still running, then reload the window.`;
    container.replaceChildren(message);
  });
