/**
 * Where the app's own pages live. The renderer is served from a custom `app://scriptdesk/`
 * protocol, never from `file://`: a custom scheme serves exactly the files of
 * `dist/renderer` (nothing else on disk is reachable), gives the pages one origin the shell
 * can compare against, lets the shell add the CSP header to every response, and lets
 * packaging turn off the `grantFileProtocolExtraPrivileges` fuse.
 */

/** The custom scheme the renderer is served from (registered as standard and secure). */
export const APP_SCHEME = 'app';

/** The one host name the scheme answers for. */
export const APP_HOST = 'scriptdesk';

/** The app's origin, as the policies below expect it. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Parses a URL, or returns null when it is not one. */
export function parseUrl(url: string): URL | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True when `url` belongs to `appOrigin` (e.g. `app://scriptdesk`). Compares scheme and host
 * rather than `URL.origin`, because WHATWG URL reports the origin of a custom scheme as the
 * opaque `"null"`, which would make every custom-scheme URL look alike. Credentials and ports
 * are refused: the app's own URLs never carry them.
 */
export function isAppUrl(url: string, appOrigin: string): boolean {
  const target = parseUrl(url);
  const origin = parseUrl(appOrigin);
  if (!target || !origin) return false;
  return (
    target.protocol === origin.protocol &&
    target.host !== '' &&
    target.host === origin.host &&
    target.username === '' &&
    target.password === '' &&
    target.port === ''
  );
}
