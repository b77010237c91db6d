import { isAppUrl, parseUrl } from './app-origin.js';

/**
 * True when the window may navigate to `url`: only the app's own pages. Everything else —
 * other origins, `file:`, `data:`, `javascript:`, `about:blank` — is refused, so a hostile
 * page can never replace the app inside a window that holds the API bridge.
 */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return isAppUrl(url, appOrigin);
}

/** What to do with a link that would leave the app (a new window or a foreign navigation). */
export type ExternalLinkDecision =
  { action: 'open-externally'; url: string } | { action: 'deny'; reason: string };

/**
 * Decides whether a link leaving the app may open in the user's browser: only `https:` URLs
 * whose host is exactly one of `allowedHosts` (no sub-domains, no credentials, no explicit
 * port). The returned `url` is the parsed, normalised form: hand that to `shell.openExternal`,
 * never the raw string. A new window inside the app is never the outcome.
 */
export function externalLinkPolicy(
  url: string,
  allowedHosts: readonly string[],
): ExternalLinkDecision {
  const target = parseUrl(url);
  if (!target) return { action: 'deny', reason: 'not a valid URL' };
  if (target.protocol !== 'https:')
    return { action: 'deny', reason: `${target.protocol} links are not opened` };
  if (target.username !== '' || target.password !== '') {
    return { action: 'deny', reason: 'links with credentials are not opened' };
  }
  if (target.port !== '')
    return { action: 'deny', reason: 'links with an explicit port are not opened' };
  const host = target.hostname.toLowerCase();
  if (!allowedHosts.some((allowed) => allowed.toLowerCase() === host)) {
    return { action: 'deny', reason: `${host} is not on the allow-list` };
  }
  return { action: 'open-externally', url: target.href };
}
