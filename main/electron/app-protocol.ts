import path from 'node:path';
import { isAppUrl, parseUrl } from './app-origin.js';
import { contentSecurityPolicy } from '../shared/content-security-policy.js';
import { validatorModuleSha256 } from '../contract/validator-modules.js';

/** What an `app://` request resolves to. */
export type AppFileLookup =
  | { kind: 'file'; path: string; contentType: string }
  /** A form validator module by hash: main answers it from the verified catalogue, not the disk. */
  | { kind: 'validator'; sha256: string }
  | { kind: 'refused'; status: 400 | 403 | 404; reason: string };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps an `app://scriptdesk/...` request to a file inside `rootDir` (`dist/renderer`). Only
 * GET-able paths of the app's own host resolve; `/` is `index.html`; percent-encoded `..`,
 * backslashes, NUL bytes and anything that would land outside `rootDir` are refused; so are
 * file types the renderer does not ship (so nothing is served with a guessed type).
 * `/validators/<sha256>.js` is a form validator, which main serves from the catalogue.
 */
export function resolveAppFile(
  requestUrl: string,
  rootDir: string,
  appOrigin: string,
): AppFileLookup {
  const url = parseUrl(requestUrl);
  if (!url || !isAppUrl(requestUrl, appOrigin))
    return { kind: 'refused', status: 403, reason: 'not an app URL' };
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'refused', status: 400, reason: 'malformed path' };
  }
  if (relative.includes('\0') || relative.includes('\\'))
    return { kind: 'refused', status: 400, reason: 'malformed path' };
  if (relative === '/' || relative === '') relative = '/index.html';
  const validator = validatorModuleSha256(url.pathname);
  if (validator) return { kind: 'validator', sha256: validator };

  const root = path.resolve(rootDir);
  const file = path.resolve(root, '.' + relative);
  const inside = path.relative(root, file);
  if (
    inside === '' ||
    inside === '..' ||
    inside.startsWith('..' + path.sep) ||
    path.isAbsolute(inside)
  ) {
    return { kind: 'refused', status: 403, reason: 'outside the renderer folder' };
  }
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
  if (!contentType)
    return { kind: 'refused', status: 404, reason: 'not a file type the app serves' };
  return { kind: 'file', path: file, contentType };
}

/** Headers sent with every `app://` response: the CSP, and no MIME sniffing. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}
