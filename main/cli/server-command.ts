import path from 'node:path';
import { startServer, type CatalogueServer } from '../server/server.js';
import { CliError } from './cli-error.js';

/** `scriptdesk server --root DIR [--port N] [--host ADDR]`: serves until SIGINT or SIGTERM. */
export async function serverCommand(
  options: { root: string; port: string; host: string; verbose?: boolean },
  print: (line: string) => void,
): Promise<void> {
  const port = parsePort(options.port);
  const root = path.resolve(options.root);
  let server: CatalogueServer;
  try {
    server = await startServer({
      root,
      host: options.host,
      port,
      log: print,
      verbose: options.verbose === true,
    });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  print(`Serving catalogue from ${root} at ${server.url}`);
  await untilStopSignal();
  await server.close();
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port > 65535)
    throw new CliError(
      `--port "${text}" must be a whole number from 0 to 65535 (0 picks a free one)`,
      2,
    );
  return port;
}

/** Resolves on the first SIGINT or SIGTERM, leaving no listener behind. */
function untilStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
