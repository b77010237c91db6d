/**
 * The places of the app; the address hash mirrors them (`#/scripts/<id>`, `#/runs/<id>`,
 * `#/history`, `#/settings`).
 */
export type Route =
  | { page: 'scripts'; scriptId?: string }
  | { page: 'run'; runId: string }
  | { page: 'history' }
  | { page: 'settings' };

/** Reads a route from an address hash; anything unknown (including `#token=…`) is the script list. */
export function parseRoute(hash: string): Route {
  const [, page, id] = hash.replace(/^#/, '').split('/');
  const decoded = id ? safeDecode(id) : undefined;
  if (page === 'runs' && decoded) return { page: 'run', runId: decoded };
  if (page === 'history') return { page: 'history' };
  if (page === 'settings') return { page: 'settings' };
  if (page === 'scripts' && decoded) return { page: 'scripts', scriptId: decoded };
  return { page: 'scripts' };
}

/** The address hash for a route. */
export function formatRoute(route: Route): string {
  switch (route.page) {
    case 'scripts':
      return route.scriptId ? `#/scripts/${encodeURIComponent(route.scriptId)}` : '#/scripts';
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'history':
      return '#/history';
    case 'settings':
      return '#/settings';
  }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
