import { open } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { inspectWheel } from '../python/wheel-inspection.js';
import { readZipDirectory } from '../python/zip-directory.js';

/** What governance reads from a wheel's `*.dist-info/METADATA` (core metadata). */
export interface WheelMetadata {
  name: string | null;
  version: string | null;
  /** PEP 639 `License-Expression`: an SPDX expression, when the wheel has one. */
  licenseExpression: string | null;
  /** The older free-text `License` field (first line only, trimmed). */
  license: string | null;
  /** Every `Classifier`, of which `License :: ...` ones name licences. */
  classifiers: string[];
}

/** A METADATA file larger than this is not read (real ones are a few KiB to a few hundred). */
const MAX_METADATA_BYTES = 1024 * 1024;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const DEFLATED = 8;

/**
 * Reads a wheel's core metadata without extracting it: the wheel is first held to the same
 * inspection devices apply (so a zip bomb is refused before anything is inflated), then only the
 * `METADATA` member of its one top-level `.dist-info` folder is inflated, capped at 1 MiB.
 * Throws with a message naming the wheel's problem.
 */
export async function readWheelMetadata(
  file: string,
  maxUncompressedBytes?: number,
): Promise<WheelMetadata> {
  await inspectWheel(file, maxUncompressedBytes);
  const directory = await readZipDirectory(file);
  let found: { offset: number; compressed: number; size: number; method: number } | null = null;
  for await (const member of directory.members()) {
    const name = member.nameBytes.toString('utf8');
    if (!/^[^/]+\.dist-info\/METADATA$/.test(name)) continue;
    if (found) throw new Error('it has more than one .dist-info/METADATA');
    found = {
      offset: member.localHeaderOffset,
      compressed: member.compressedSize,
      size: member.uncompressedSize,
      method: member.method,
    };
  }
  if (!found) throw new Error('it has no .dist-info/METADATA');
  if (found.size > MAX_METADATA_BYTES)
    throw new Error(`its METADATA is ${found.size} bytes, over the ${MAX_METADATA_BYTES} read`);
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(LOCAL_HEADER_SIZE);
    await handle.read(header, 0, LOCAL_HEADER_SIZE, found.offset);
    if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE)
      throw new Error('its METADATA member has no local header where the directory says');
    const start =
      found.offset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
    const packed = Buffer.alloc(found.compressed);
    await handle.read(packed, 0, found.compressed, start);
    const bytes =
      found.method === DEFLATED
        ? inflateRawSync(packed, { maxOutputLength: MAX_METADATA_BYTES })
        : packed;
    return parseCoreMetadata(bytes.toString('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * Parses core metadata (RFC 822-style headers, continuation lines indented, the body after the
 * first blank line ignored) into the fields governance needs.
 */
export function parseCoreMetadata(text: string): WheelMetadata {
  const fields: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && fields.length) {
      fields[fields.length - 1]![1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0)
      fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const first = (key: string) => fields.find(([name]) => name === key)?.[1] ?? null;
  const license = first('license');
  return {
    name: first('name'),
    version: first('version'),
    licenseExpression: first('license-expression'),
    license: license ? license.split('\n')[0]!.trim() || null : null,
    classifiers: fields.filter(([name]) => name === 'classifier').map(([, value]) => value),
  };
}
