import type { RouteHandler } from '../catalogue-files.js';
import { contentSecurityPolicy } from '../../shared/content-security-policy.js';
import { indexStaticFiles, sendStaticFile } from '../../shared/static-files.js';

/**
 * The console's pages: the files of its build (`dist/console`), indexed once at start, so only
 * those files are ever served and no request path reaches the file system. `/console/` is its
 * index.html; pages are addressed by the fragment (`#/runs`), so no other path is a page. The
 * same strict CSP as the app: scripts only from this origin, no inline script, no eval.
 */
export async function createConsolePages(folder: string): Promise<RouteHandler> {
  const files = await indexStaticFiles(folder);
  const csp = contentSecurityPolicy();
  return async (request, response) => {
    const target = request.url ?? '';
    const query = target.indexOf('?');
    const pathname = query === -1 ? target : target.slice(0, query);
    if (pathname === '/console') {
      response.writeHead(308, { Location: '/console/', 'Content-Length': 0 }).end();
      return true;
    }
    const file = files.get(pathname === '/console/' ? '/index.html' : pathname.slice(8));
    if (!file) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 }).end();
      return true;
    }
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    await sendStaticFile(request, response, file, csp);
    return true;
  };
}
