/** Where the loopback host's access token is kept, so a reload of the tab keeps working. */
export const TOKEN_STORAGE_KEY = 'scriptdesk.token';

type PageWindow = Pick<Window, 'location' | 'history' | 'sessionStorage'>;

/**
 * Returns the access token for the loopback host. The address printed by `scriptdesk web` carries
 * it as `#token=…`; it is moved to session storage (this tab only) and taken out of the visible
 * address, so it does not end up in screenshots, bookmarks or the history list.
 */
export function takeSessionToken(page: PageWindow): string | undefined {
  const fromAddress = new URLSearchParams(page.location.hash.replace(/^#/, '')).get('token');
  if (fromAddress) {
    try {
      page.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromAddress);
    } catch {
      // Storage can be disabled; the token still works until the tab is reloaded.
    }
    page.history.replaceState(
      page.history.state,
      '',
      page.location.pathname + page.location.search,
    );
    return fromAddress;
  }
  try {
    return page.sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
