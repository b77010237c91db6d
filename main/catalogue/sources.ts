import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BlobMismatch } from './content-store.js';
import { CatalogueRejected } from './verify.js';

/** Largest `catalogue.sig` a client will read. */
export const MAX_SIGNATURE_BYTES = 64 * 1024;

/** `catalogue.json` as a source answered a (possibly conditional) read. */
export type DocumentRead =
  { kind: 'not-modified' } | { kind: 'document'; bytes: Buffer; etag: string | null };

/**
 * Where a catalogue is synced from. Only plain reads, so any folder, file share or static web host
 * will do. Sizes are capped here; hashes are checked by the content store while the bytes stream in.
 */
export interface CatalogueSourceReader {
  /** The folder or URL, for messages and the audit journal (never holds credentials). */
  readonly location: string;
  /** Reads `catalogue.json`; with `etag`, a source may answer that it has not changed. */
  readDocument(maxBytes: number, etag?: string): Promise<DocumentRead>;
  readSignatures(): Promise<string>;
  /** The bytes of `blobs/sha256/<sha256>`; the consumer stops reading past `size`. */
  openBlob(sha256: string, size: number): Promise<AsyncIterable<Uint8Array>>;
}

/** A folder or a URL, as typed after `--from`. */
export function sourceFor(location: string): CatalogueSourceReader {
  return /^https?:\/\//i.test(location) ? httpSource(location) : folderSource(location);
}

/** Reads a published catalogue from a folder (local disk or a mounted file share). */
export function folderSource(dir: string): CatalogueSourceReader {
  const root = path.resolve(dir);
  const sizeOf = async (file: string): Promise<number> => {
    try {
      return (await stat(file)).size;
    } catch (error) {
      throw new CatalogueRejected(
        'unreachable',
        `${file} cannot be read (${(error as NodeJS.ErrnoException).code}); check that the catalogue folder is reachable`,
        { cause: error },
      );
    }
  };
  const readCapped = async (file: string, max: number): Promise<Buffer> => {
    const size = await sizeOf(file);
    if (size > max)
      throw new CatalogueRejected(
        'too_large',
        `${file} is ${size} bytes, over the limit of ${max}`,
      );
    return readFile(file);
  };
  return {
    location: root,
    async readDocument(max) {
      return {
        kind: 'document',
        bytes: await readCapped(path.join(root, 'catalogue.json'), max),
        etag: null,
      };
    },
    readSignatures: async () =>
      (await readCapped(path.join(root, 'catalogue.sig'), MAX_SIGNATURE_BYTES)).toString('utf8'),
    async openBlob(sha256, size) {
      const file = path.join(root, 'blobs', 'sha256', sha256);
      if ((await sizeOf(file)) > size)
        throw new BlobMismatch(
          'too_large',
          `blob ${sha256.slice(0, 12)} is larger than its signed size of ${size} bytes`,
        );
      return createReadStream(file);
    },
  };
}

/** How long a response may stall (no bytes at all) before the sync gives up. */
const STALL_MS = 30_000;

/**
 * Reads a published catalogue over plain HTTP(S) GETs, so any static host works. `catalogue.json`
 * is fetched conditionally (`If-None-Match`), so a sync with no change is one small request.
 */
export function httpSource(address: string): CatalogueSourceReader {
  let base: URL;
  try {
    base = new URL(address);
  } catch {
    throw new CatalogueRejected(
      'unreachable',
      `"${address.slice(0, 200)}" is not a URL; write it like https://host/catalogue/`,
    );
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new CatalogueRejected(
      'unreachable',
      `${base.protocol} URLs are not supported; use https://`,
    );
  if (base.username || base.password)
    throw new CatalogueRejected(
      'unreachable',
      'the catalogue URL must not contain a user name or password; a catalogue is public, signed data',
    );
  base.search = '';
  base.hash = '';
  if (base.pathname.endsWith('/catalogue.json')) base.pathname = base.pathname.slice(0, -14);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const urlOf = (name: string) => new URL(name, base).toString();

  const get = async (name: string, headers: Record<string, string> = {}) => {
    const url = urlOf(name);
    const controller = new AbortController();
    const stall = setTimeout(() => controller.abort(), STALL_MS);
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      clearTimeout(stall);
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new CatalogueRejected(
        'unreachable',
        `cannot reach ${url} (${cause?.code ?? (controller.signal.aborted ? 'timed out' : (error as Error).message)})`,
        { cause: error },
      );
    }
    return { url, response, controller, stall };
  };

  /** The body as chunks; each chunk re-arms the stall timer, and leaving early cancels the download. */
  async function* chunksOf(opened: Awaited<ReturnType<typeof get>>): AsyncGenerator<Uint8Array> {
    const { response, controller, url } = opened;
    let stall = opened.stall;
    let completed = false;
    try {
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          clearTimeout(stall);
          stall = setTimeout(() => controller.abort(), STALL_MS);
          yield chunk;
        }
      }
      completed = true;
    } catch (error) {
      if (error instanceof CatalogueRejected) throw error;
      throw new CatalogueRejected(
        'unreachable',
        `the download of ${url} broke off (${controller.signal.aborted ? 'stalled' : (error as Error).message})`,
        { cause: error },
      );
    } finally {
      clearTimeout(stall);
      // Stopped early (cap reached, hash failed, caller gave up): drop the connection.
      if (!completed) controller.abort();
    }
  }

  const failed = (url: string, response: Response) =>
    new CatalogueRejected(
      'unreachable',
      `GET ${url} answered ${response.status} ${response.statusText}; check the catalogue address`,
    );

  /**
   * GETs `name`: null when a conditional request is answered 304, else a 200 whose declared length
   * is within `max`. Anything else throws, and the connection is dropped first.
   */
  const open = async (
    name: string,
    max: number,
    oversize: (declared: number, url: string) => Error,
    headers: Record<string, string> = {},
  ) => {
    const opened = await get(name, headers);
    const { response, url } = opened;
    const drop = () => {
      opened.controller.abort();
      clearTimeout(opened.stall);
    };
    if (response.status === 304 && headers['if-none-match']) {
      drop();
      return null;
    }
    if (response.status !== 200) {
      drop();
      throw failed(url, response);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > max) {
      drop();
      throw oversize(declared, url);
    }
    return opened;
  };

  const readAll = async (name: string, max: number, headers: Record<string, string> = {}) => {
    const tooLarge = (_declared: number, url: string) =>
      new CatalogueRejected('too_large', `${url} is over the limit of ${max} bytes`);
    const opened = await open(name, max, tooLarge, headers);
    if (!opened) return null;
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of chunksOf(opened)) {
      total += chunk.length;
      if (total > max) throw tooLarge(total, opened.url);
      parts.push(chunk);
    }
    return { bytes: Buffer.concat(parts), etag: opened.response.headers.get('etag') };
  };

  return {
    location: base.toString(),
    async readDocument(max, etag) {
      const headers: Record<string, string> = { 'cache-control': 'no-cache' };
      if (etag) headers['if-none-match'] = etag;
      const read = await readAll('catalogue.json', max, headers);
      if (!read) return { kind: 'not-modified' };
      // Only strong validators identify exact bytes; a weak one is not worth remembering.
      const strong = read.etag && !read.etag.startsWith('W/') ? read.etag : null;
      return { kind: 'document', bytes: read.bytes, etag: strong };
    },
    async readSignatures() {
      const read = await readAll('catalogue.sig', MAX_SIGNATURE_BYTES, {
        'cache-control': 'no-cache',
      });
      return read!.bytes.toString('utf8');
    },
    async openBlob(sha256, size) {
      const opened = await open(
        `blobs/sha256/${sha256}`,
        size,
        (declared) =>
          new BlobMismatch(
            'too_large',
            `blob ${sha256.slice(0, 12)} is ${declared} bytes on the server, over its signed size of ${size}; not downloaded`,
          ),
      );
      // An unconditional GET is never answered "not modified"; `open` returns null only for one.
      return chunksOf(opened!);
    },
  };
}
