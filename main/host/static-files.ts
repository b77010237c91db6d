import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** One servable file of the renderer build. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Indexes the renderer build once at start: only files found here can ever be served, so no
 * request path is ever joined onto the file system.
 */
export async function indexStaticFiles(root: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile()) {
        files.set(`/${name}`, {
          body: await readFile(path.join(root, name)),
          contentType:
            CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
        });
      }
    }
  };
  try {
    await walk('');
  } catch (error) {
    throw new Error(
      `the app's user interface is not built (${root}: ${(error as NodeJS.ErrnoException).code}); run "npm run build" first`,
      { cause: error },
    );
  }
  if (!files.has('/index.html'))
    throw new Error(`${root} has no index.html; run "npm run build" first`);
  return files;
}
