import {
  DEFAULT_MAX_WHEEL_UNCOMPRESSED_BYTES,
  MAX_WHEEL_UNCOMPRESSED_CEILING,
} from '../catalogue/manifest.js';
import { readZipDirectory, ZipLayoutError, type ZipMember } from './zip-directory.js';

/**
 * Checks a wheel's zip central directory before pip extracts it, reading no member's data. Sizes
 * are the ones the directory declares: Python's zipfile, which pip extracts with, stops each
 * member at its declared size (and fails it on a CRC mismatch), so declared sizes bound what pip
 * writes — provided pip reads the same directory, which zip-directory.ts makes sure of.
 */

/** Members larger than this are held to {@link MAX_COMPRESSION_RATIO}. */
export const RATIO_CHECK_FROM_BYTES = 1024 * 1024;
/**
 * The most a member over 1 MiB may expand, uncompressed to compressed. Deflate tops out near
 * 1032:1 (long runs of one byte); the most repetitive real wheel member found here, a 4.6 MB JSON
 * table of cfn-lint, deflates 95:1 at level 9, and Python source 5–17:1. 200:1 leaves real data
 * twice that headroom and refuses any run-of-zeros bomb.
 */
export const MAX_COMPRESSION_RATIO = 200;
/** The most members a wheel may have: the largest real wheels hold tens of thousands of files. */
export const MAX_WHEEL_MEMBERS = 100_000;

/** Why a wheel is refused, and what its publisher can do about it. */
export class WheelRefused extends Error {
  override name = 'WheelRefused';
  constructor(
    /** What is wrong, naming the member and the limit: "member big.bin expands to 4 GiB (...)". */
    readonly detail: string,
    /** What the catalogue's publisher can do, as a lower-case phrase: "rebuild the wheel ...". */
    readonly fix: string,
  ) {
    super(`${detail}; ${fix}`);
  }
}

/** What an accepted wheel holds. */
export interface WheelSummary {
  members: number;
  uncompressedBytes: number;
}

const STORED = 0;
const DEFLATED = 8;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;
/** Info-ZIP Unicode Path: a second name Python 3.12+ uses in place of the first. */
const UNICODE_PATH_FIELD = 0x7075;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const REBUILD = 'rebuild the wheel with a standard tool (pip wheel, python -m build)';
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The per-wheel cap to apply: the signed catalogue's `limits.maxWheelUncompressedBytes`, else the
 * default, and never above {@link MAX_WHEEL_UNCOMPRESSED_CEILING}.
 */
function effectiveWheelCap(declared: number | undefined): number {
  return Math.min(declared ?? DEFAULT_MAX_WHEEL_UNCOMPRESSED_BYTES, MAX_WHEEL_UNCOMPRESSED_CEILING);
}

/**
 * Reads `file`'s central directory and throws {@link WheelRefused} when pip would write more than
 * `maxUncompressedBytes` (see {@link effectiveWheelCap}), any member expands more than
 * {@link MAX_COMPRESSION_RATIO}, there are over {@link MAX_WHEEL_MEMBERS} members, or a member is
 * a link, a device, encrypted, compressed other than stored/deflate, duplicated, or named so it
 * could land outside the install folder.
 */
export async function inspectWheel(
  file: string,
  maxUncompressedBytes: number | undefined,
): Promise<WheelSummary> {
  const cap = effectiveWheelCap(maxUncompressedBytes);
  const capText = `${formatBytes(cap)} per wheel${cap === MAX_WHEEL_UNCOMPRESSED_CEILING ? ', the most ScriptDesk allows' : ''}`;
  const sizeFix =
    cap === MAX_WHEEL_UNCOMPRESSED_CEILING
      ? 'rebuild the wheel smaller or split the package'
      : 'rebuild the wheel or raise limits.maxWheelUncompressedBytes in catalogue.json';
  try {
    const directory = await readZipDirectory(file);
    if (directory.entryCount > MAX_WHEEL_MEMBERS)
      throw new WheelRefused(
        `has ${directory.entryCount} members (limit ${MAX_WHEEL_MEMBERS} per wheel)`,
        'rebuild the wheel with fewer files',
      );
    const names = new Set<string>();
    let total = 0;
    for await (const member of directory.members()) {
      const name = checkMember(member, directory.directoryOffset);
      if (names.has(name))
        throw new WheelRefused(
          `member ${shown(name)} appears twice`,
          'rebuild the wheel with each file once',
        );
      names.add(name);
      if (member.uncompressedSize > cap)
        throw new WheelRefused(
          `member ${shown(name)} expands to ${formatBytes(member.uncompressedSize)} (limit ${capText})`,
          sizeFix,
        );
      checkRatio(name, member);
      total += member.uncompressedSize;
    }
    if (total > cap)
      throw new WheelRefused(
        `its ${names.size} members expand to ${formatBytes(total)} in all (limit ${capText})`,
        sizeFix,
      );
    return { members: names.size, uncompressedBytes: total };
  } catch (error) {
    throw layoutRefusal(error);
  }
}

/** Checks one member on its own; returns its name as Python will decode it. */
function checkMember(member: ZipMember, directoryOffset: number): string {
  const name = decodeName(member);
  const unsafe = unsafeNameReason(name);
  if (unsafe)
    throw new WheelRefused(
      `member ${shown(name)} has an unsafe name (${unsafe})`,
      'rebuild the wheel without it',
    );
  if (member.extraFieldIds.includes(UNICODE_PATH_FIELD))
    throw new WheelRefused(
      `member ${shown(name)} carries a second name (an Info-ZIP Unicode Path field) that newer Pythons use instead of the first`,
      REBUILD,
    );
  const type = (member.externalAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK)
    throw new WheelRefused(
      `member ${shown(name)} is a symbolic link`,
      'rebuild the wheel with a regular file in its place',
    );
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
    throw new WheelRefused(
      `member ${shown(name)} is not a regular file or folder (file type 0o${type.toString(8)})`,
      'rebuild the wheel without it',
    );
  if (member.flags & FLAG_ENCRYPTED)
    throw new WheelRefused(`member ${shown(name)} is encrypted`, REBUILD);
  if (member.method !== STORED && member.method !== DEFLATED)
    throw new WheelRefused(
      `member ${shown(name)} uses compression method ${member.method} (wheels use only stored or deflate)`,
      REBUILD,
    );
  if (member.method === STORED && member.compressedSize !== member.uncompressedSize)
    throw new WheelRefused(
      `member ${shown(name)} is stored uncompressed but declares ${member.compressedSize} bytes for ${member.uncompressedSize}`,
      REBUILD,
    );
  if (member.localHeaderOffset + member.compressedSize > directoryOffset)
    throw new WheelRefused(
      `member ${shown(name)} declares more compressed data than the archive holds`,
      REBUILD,
    );
  return name;
}

function checkRatio(name: string, member: ZipMember): void {
  const { uncompressedSize: size, compressedSize: packed } = member;
  if (size <= RATIO_CHECK_FROM_BYTES || size <= packed * MAX_COMPRESSION_RATIO) return;
  const ratio = packed === 0 ? 'without limit' : `${Math.round(size / packed)} times`;
  throw new WheelRefused(
    `member ${shown(name)} expands ${ratio}, from ${formatBytes(packed)} to ${formatBytes(size)} (limit ${MAX_COMPRESSION_RATIO} times for members over ${formatBytes(RATIO_CHECK_FROM_BYTES)})`,
    'rebuild the wheel; if that file really is so repetitive, store it uncompressed',
  );
}

/**
 * The name as Python's zipfile decodes it: UTF-8 when flagged. Unflagged names must be ASCII,
 * which every wheel tool writes; that spares a code page 437 table and any doubt about it.
 */
function decodeName(member: ZipMember): string {
  const raw = member.nameBytes;
  if (member.flags & FLAG_UTF8) {
    try {
      return UTF8.decode(raw);
    } catch {
      throw new WheelRefused(
        `member ${shown(raw.toString('latin1'))} has a name that is not valid UTF-8`,
        REBUILD,
      );
    }
  }
  const name = raw.toString('latin1');
  if (raw.some((byte) => byte > 0x7f))
    throw new WheelRefused(
      `member ${shown(name)} has a non-ASCII name without the UTF-8 flag`,
      REBUILD,
    );
  return name;
}

/** Why `name` could be extracted outside the install folder or mean two things; null when safe. */
function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'empty';
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return 'a NUL or control character';
  if (name.startsWith('/')) return 'an absolute path';
  if (name.includes('\\')) return 'a backslash';
  if (/^[A-Za-z]:/.test(name)) return 'a drive letter';
  const segments = name.split('/');
  // A trailing "/" marks a folder entry; any other empty segment is not a real path.
  if (segments.at(-1) === '') segments.pop();
  if (segments.includes('..')) return 'a ".." segment';
  if (segments.some((segment) => segment === '' || segment === '.'))
    return 'an empty or "." segment';
  return null;
}

function layoutRefusal(error: unknown): unknown {
  if (!(error instanceof ZipLayoutError)) return error;
  return new WheelRefused(`cannot be checked as a zip archive: ${error.message}`, REBUILD);
}

/** A member name fit for a one-line message: control characters escaped, long names cut. */
function shown(name: string): string {
  const escaped = [...name]
    .map((c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
    })
    .join('');
  return escaped.length > 160 ? `${escaped.slice(0, 160)}…` : escaped;
}

/** 536870912 → "512 MiB", 1610612736 → "1.5 GiB", 900 → "900 bytes". */
function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
