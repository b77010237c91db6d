import { DEEP_LINK_SCHEME, parseDeepLink, scriptPageHash } from '../shared/deep-link.js';
import { APP_ENTRY_URL } from './app-origin.js';

/** What the shell does with a link it was handed: show the window at an address, or say no. */
export type DeepLinkAction =
  { action: 'open'; url: string } | { action: 'refuse'; message: string };

const LINK_PREFIX = `${DEEP_LINK_SCHEME}:`;

/**
 * The `scriptdesk:` link on a command line (a second launch's, or the app's own at a cold start
 * on Windows and Linux), or null. Only an argument that begins with the scheme is taken, and it is
 * still only text: {@link deepLinkAction} judges it. Several links: the last, as the OS appends it.
 */
export function deepLinkInArgv(argv: readonly string[]): string | null {
  const links = argv.filter(
    (arg) => arg.slice(0, LINK_PREFIX.length).toLowerCase() === LINK_PREFIX,
  );
  return links.at(-1) ?? null;
}

/**
 * What to do with a link from outside: open the script's form in the window at the address the
 * parser built from the id and preset it accepted (never the link's own text), or refuse in plain
 * words. Opening a form never runs it.
 */
export function deepLinkAction(raw: unknown): DeepLinkAction {
  const judged = parseDeepLink(raw);
  if (!judged.ok)
    return { action: 'refuse', message: `ScriptDesk did not open the link: ${judged.reason}.` };
  const { scriptId, preset } = judged.link;
  return { action: 'open', url: `${APP_ENTRY_URL}${scriptPageHash(scriptId, preset)}` };
}

/** What the link handler lends from the shell. */
export interface DeepLinkShell {
  /** Brings the window forward (creating it if needed) at `url`, an app:// address. */
  open(url: string): void;
  /** Tells the user, in a message box, that a link was not opened and why. */
  refuse(message: string): void;
}

/**
 * Receives links from every door (`open-url`, `second-instance`, the app's own command line) and
 * acts on each once the shell is ready to; a link that comes before (macOS hands it over while
 * the app is still launching) waits, and only the latest one is kept.
 */
export function createDeepLinkHandler(shell: DeepLinkShell): {
  receive(raw: unknown): void;
  ready(): void;
} {
  let waiting: DeepLinkAction | null = null;
  let isReady = false;
  const act = (action: DeepLinkAction) =>
    action.action === 'open' ? shell.open(action.url) : shell.refuse(action.message);
  return {
    receive(raw) {
      const action = deepLinkAction(raw);
      if (isReady) act(action);
      else waiting = action;
    },
    ready() {
      isReady = true;
      if (waiting) act(waiting);
      waiting = null;
    },
  };
}
