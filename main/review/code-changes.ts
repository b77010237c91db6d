import { createTwoFilesPatch } from 'diff';
import type { ViewFile } from './catalogue-view.js';

/** A file of a script added, removed or changed, with its unified diff when it is text. */
export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  oldSize?: number;
  newSize?: number;
  /** True when either side is not UTF-8 text: named, never dumped. */
  binary: boolean;
  /** The unified diff (`---`/`+++` headers, `@@` hunks); absent for binary, removed or too large files. */
  diff?: string;
  /** Why there is no diff, when there is none. */
  note?: string;
}

/** Files larger than this are named with their sizes, not diffed. */
export const MAX_DIFF_BYTES = 1024 * 1024;

/** Reads a file of one side; the bytes are checked against the file's hash. */
export type ReadFile = (file: ViewFile) => Promise<Buffer>;

/**
 * The files of one script that differ between two sides (by hash), in path order; text files get
 * a unified diff with three lines of context (an added file diffs against nothing).
 */
export async function codeChanges(
  scriptId: string,
  before: readonly ViewFile[],
  after: readonly ViewFile[],
  read: { old: ReadFile; new: ReadFile },
): Promise<FileChange[]> {
  const oldFiles = new Map(before.map((file) => [file.path, file]));
  const newFiles = new Map(after.map((file) => [file.path, file]));
  const paths = [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort();
  const changes: FileChange[] = [];
  for (const path of paths) {
    const [old, now] = [oldFiles.get(path), newFiles.get(path)];
    if (old && now && old.sha256 === now.sha256) continue;
    if (old && !now) {
      changes.push({ path, change: 'removed', oldSize: old.size, binary: false });
      continue;
    }
    const change: FileChange = {
      path,
      change: old ? 'changed' : 'added',
      ...(old ? { oldSize: old.size } : {}),
      newSize: now!.size,
      binary: false,
    };
    // Sizes are signed (or measured in a source): a large file is named without being read.
    if ((old?.size ?? 0) > MAX_DIFF_BYTES || now!.size > MAX_DIFF_BYTES) {
      change.note = `over ${MAX_DIFF_BYTES} bytes: not shown; compare it yourself`;
      changes.push(change);
      continue;
    }
    const oldBytes = old ? await read.old(old) : Buffer.alloc(0);
    const newBytes = await read.new(now!);
    const [oldText, newText] = [textOf(oldBytes), textOf(newBytes)];
    if (oldText === undefined || newText === undefined) {
      change.binary = true;
      change.note = 'binary file: not shown';
    } else {
      const name = `${scriptId}/${path}`;
      change.diff = createTwoFilesPatch(
        old ? `a/${name}` : '/dev/null',
        `b/${name}`,
        oldText,
        newText,
        undefined,
        undefined,
        { context: 3 },
      )
        // The package starts with an "Index"-style rule line; git's format has none.
        .replace(/^=+\n/, '');
    }
    changes.push(change);
  }
  return changes;
}

/** The text of `bytes` when they are UTF-8 without NUL bytes; undefined for anything binary. */
function textOf(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
