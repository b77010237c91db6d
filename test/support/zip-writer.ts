import { crc32, deflateRawSync, constants } from 'node:zlib';

/**
 * A small zip writer for hostile test archives: Python's zipfile cannot write some of them (it cuts
 * names at NUL) and cannot write others fast (a 600 MiB member takes its deflate that long).
 */

/** The deflate stream of a member, for members given already compressed. */
export interface Deflated {
  stream: Buffer;
  size: number;
  crc32: number;
}

/** One member of an archive. */
export interface ZipEntry {
  name: string | Buffer;
  /** The content: stored as is or deflated, per `method`. */
  data?: Buffer;
  /** A member given already deflated (see {@link zerosDeflated}); overrides `data`. */
  deflated?: Deflated;
  /** 0 stored, 8 deflate (the default); any other number writes `data` as is under it. */
  method?: number;
  /** The Unix mode in the high 16 bits of the external attributes (default 0o100644). */
  unixMode?: number;
  /** General purpose flags; 0x800 (UTF-8 name) is set for non-ASCII string names. */
  flags?: number;
  /** Extra field records as [id, data], written in the central directory and local header. */
  extra?: [number, Buffer][];
}

const U32_MAX = 0xffffffff;

/**
 * A deflate stream of `size` zero bytes, built by repeating one compressed MiB instead of
 * compressing them all: each MiB ends in a full flush (byte-aligned, no back-references across it),
 * so copies of it concatenate into one valid stream. Still a real bomb: every byte inflates.
 */
export function zerosDeflated(size: number): Deflated {
  const MiB = 1024 * 1024;
  if (size % MiB !== 0) throw new Error('zerosDeflated takes whole MiB');
  const zeros = Buffer.alloc(MiB);
  const block = deflateRawSync(zeros, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const count = size / MiB;
  let crc = 0;
  for (let i = 0; i < count; i++) crc = crc32(zeros, crc);
  // A final empty fixed-Huffman block: BFINAL=1, BTYPE=01, end-of-block.
  const stream = Buffer.concat([...Array<Buffer>(count).fill(block), Buffer.from([0x03, 0x00])]);
  return { stream, size, crc32: crc };
}

/** The bytes of a zip holding `entries`, with zip64 records where sizes or counts need them. */
export function zipBytes(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
    const nonAscii =
      typeof entry.name === 'string' && [...entry.name].some((c) => c.charCodeAt(0) > 0x7f);
    const flags = entry.flags ?? (nonAscii ? 0x800 : 0);
    const method = entry.deflated ? 8 : (entry.method ?? 8);
    const data = entry.data ?? Buffer.alloc(0);
    const packed = entry.deflated?.stream ?? (method === 8 ? deflateRawSync(data) : data);
    const size = entry.deflated?.size ?? data.length;
    const crc = entry.deflated?.crc32 ?? crc32(data);
    const zip64 = size >= U32_MAX || packed.length >= U32_MAX || offset >= U32_MAX;
    const extras = [...(entry.extra ?? [])];
    const localExtras = [...extras];
    if (zip64) {
      const sizes = Buffer.alloc(24);
      sizes.writeBigUInt64LE(BigInt(size), 0);
      sizes.writeBigUInt64LE(BigInt(packed.length), 8);
      sizes.writeBigUInt64LE(BigInt(offset), 16);
      extras.unshift([0x0001, sizes]);
      localExtras.unshift([0x0001, sizes.subarray(0, 16)]);
    }
    const common = Buffer.alloc(26);
    common.writeUInt16LE(zip64 ? 45 : 20, 0); // version needed
    common.writeUInt16LE(flags, 2);
    common.writeUInt16LE(method, 4);
    common.writeUInt16LE(0, 6); // time
    common.writeUInt16LE(0x21, 8); // date: 1980-01-01
    common.writeUInt32LE(crc >>> 0, 10);
    common.writeUInt32LE(zip64 ? U32_MAX : packed.length, 14);
    common.writeUInt32LE(zip64 ? U32_MAX : size, 18);
    common.writeUInt16LE(name.length, 22);

    const localExtra = extraBytes(localExtras);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common.copy(local, 4);
    local.writeUInt16LE(localExtra.length, 28);
    locals.push(local, name, localExtra, packed);

    const centralExtra = extraBytes(extras);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 45, 4); // made by Unix
    common.copy(central, 6);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt32LE(((entry.unixMode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(zip64 ? U32_MAX : offset, 42);
    centrals.push(central, name, centralExtra);
    offset += local.length + name.length + localExtra.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  return Buffer.concat([
    ...locals,
    directory,
    endRecords(entries.length, directory.length, offset),
  ]);
}

function extraBytes(fields: readonly [number, Buffer][]): Buffer {
  return Buffer.concat(
    fields.flatMap(([id, data]) => {
      const head = Buffer.alloc(4);
      head.writeUInt16LE(id, 0);
      head.writeUInt16LE(data.length, 2);
      return [head, data];
    }),
  );
}

/** The end of central directory record, preceded by the zip64 record and locator when needed. */
function endRecords(count: number, size: number, offset: number): Buffer {
  const zip64 = count >= 0xffff || size >= U32_MAX || offset >= U32_MAX;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : count, 8);
  end.writeUInt16LE(zip64 ? 0xffff : count, 10);
  end.writeUInt32LE(zip64 ? U32_MAX : size, 12);
  end.writeUInt32LE(zip64 ? U32_MAX : offset, 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE((3 << 8) | 45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + size), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}
