import { presetFromQuery, scriptPageHash } from '../../../main/shared/deep-link.js';

/**
 * The places of the app; the address hash mirrors them (`#/scripts/<id>`, `#/runs/<id>`,
 * `#/history`, `#/settings`). `#/scripts/<id>?preset=<name>` opens a script's form filled from
 * one of its presets (what a `scriptdesk://` link becomes in the desktop app); it never runs.
 */
export type Route =
  | {
      page: 'scripts';
      scriptId?: string;
      /** The preset the address asks the form to open with. */
      preset?: string;
      /** Why the address's `?…` part was not followed, in plain words (the form opens unfilled). */
      linkProblem?: string;
    }
  | { page: 'run'; runId: string }
  | { page: 'history' }
  | { page: 'settings' };

/** Reads a route from an address hash; anything unknown (including `#token=…`) is the script list. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const queryAt = text.indexOf('?');
  const place = queryAt === -1 ? text : text.slice(0, queryAt);
  const [, page, id] = place.split('/');
  const decoded = id ? safeDecode(id) : undefined;
  if (page === 'runs' && decoded) return { page: 'run', runId: decoded };
  if (page === 'history') return { page: 'history' };
  if (page === 'settings') return { page: 'settings' };
  if (page === 'scripts' && decoded) {
    if (queryAt === -1) return { page: 'scripts', scriptId: decoded };
    const preset = presetFromQuery(text.slice(queryAt));
    if (!preset.ok) return { page: 'scripts', scriptId: decoded, linkProblem: preset.reason };
    return preset.name === null
      ? { page: 'scripts', scriptId: decoded }
      : { page: 'scripts', scriptId: decoded, preset: preset.name };
  }
  return { page: 'scripts' };
}

/** The address hash for a route. */
export function formatRoute(route: Route): string {
  switch (route.page) {
    case 'scripts':
      return route.scriptId ? scriptPageHash(route.scriptId, route.preset) : '#/scripts';
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
