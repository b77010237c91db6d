import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  configureRequestOptions,
  configureRequestUrl,
  HttpExecutor,
  type DownloadOptions,
} from 'builder-util-runtime';
import type { RequestOptions } from 'node:http';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';

/**
 * electron-updater's downloads over node:http. In Electron it uses Chromium's `net`
 * (ElectronHttpExecutor); the digest check (DigestTransform, sha512) is the base class's and
 * the same in both.
 */
export class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  override createRequest(
    options: RequestOptions,
    callback: (response: IncomingMessage) => void,
  ): ClientRequest {
    return request(options, callback);
  }

  /** What electron-updater calls for the artefact: the base class streams it through its digest check. */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          responseHandler: null,
          callback: (error) => (error ? reject(error) : resolve(destination)),
        },
        0,
      );
    });
  }
}

/** A generic update feed (latest-linux.yml + the artefact) served on 127.0.0.1. */
export async function serveUpdateFeed(files: Record<string, string | Buffer>) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    requests.push(name);
    const body = files[name];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** latest-linux.yml as electron-builder writes it for one .deb, with the sha512 given. */
export function channelFile(version: string, file: string, sha512: string, size: number): string {
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${file}`,
    `    sha512: ${sha512}`,
    `    size: ${size}`,
    `path: ${file}`,
    `sha512: ${sha512}`,
    `releaseDate: '2026-12-01T10:00:00.000Z'`,
    '',
  ].join('\n');
}

export const sha512Base64 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');

/**
 * The app electron-updater sees, without Electron: a development build (not packaged) whose
 * quit handlers the test holds, and nothing it can really quit or relaunch.
 */
export async function fakeApp(dir: string, version: string) {
  const quitHandlers: ((exitCode: number) => void)[] = [];
  const calls = { quit: 0, relaunch: 0 };
  const configPath = path.join(dir, 'app-update.yml');
  // What electron-builder writes into resources/: where the updater keeps its downloads.
  await writeFile(configPath, 'provider: generic\nupdaterCacheDirName: scriptdesk-updater\n');
  await mkdir(path.join(dir, 'user-data'));
  const app: AppAdapter = {
    version,
    name: 'ScriptDesk',
    isPackaged: false,
    appUpdateConfigPath: configPath,
    userDataPath: path.join(dir, 'user-data'),
    baseCachePath: path.join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => void (calls.relaunch += 1),
    quit: () => void (calls.quit += 1),
    onQuit: (handler) => void quitHandlers.push(handler),
  };
  return { app, quitHandlers, calls, cacheDir: path.join(dir, 'cache', 'scriptdesk-updater') };
}
