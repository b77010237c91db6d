import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { HOST_OS } from '../platform/os.js';
import { treeStopPlan } from '../platform/process-tree.js';
import { RELEASE, sourceFrame } from './bootstrap.js';
import { signalProcessGroup } from '../shared/process-identity.js';
import { RunProcesses, SWEEP_MS } from './run-processes.js';

/** How the runner starts a script process: absolute path, argument vector, no shell. */
export interface SpawnRequest {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Most bytes read from stdout and stderr together; beyond it output is dropped and `onOutputLimit` fires once. */
  maxOutputBytes?: number;
  /** Rewrites text before it is split into lines (the runner blanks secret values here). */
  scrub?: Scrubber;
  /**
   * Present: the process runs these bytes (the verified entry point) through the bootstrap and
   * waits at its gate (see `bootstrap.ts`) until {@link ScriptProcess.release}: its stdin is a pipe
   * that carries the bytes as soon as they are there, then the one release byte. A promise lets
   * the interpreter start while the bytes are still being checked; if it rejects, nothing is sent
   * (the runner, which awaits the same check, kills the process). Otherwise stdin is /dev/null.
   */
  gatedSource?: Uint8Array | Promise<Uint8Array>;
  /**
   * With `gatedSource` and the loader in `args` (see `LOADER` in bootstrap.ts): the compiled
   * bootstrap, written to stdin at once, before the entry point's bytes.
   */
  gatedBootstrap?: Buffer;
}

/** Blanks secret values in text; `longest` is the longest value it looks for. */
export interface Scrubber {
  scrub(text: string): string;
  longest: number;
}

export type OutputStream = 'stdout' | 'stderr';

/**
 * The complete lines of one read, as UTF-8 bytes: every line ends with "\n", a "\r" before it is
 * dropped, a line longer than {@link MAX_LINE_CHARS} is broken into several, and secrets are
 * already blanked. Kept as the bytes the script wrote whenever nothing had to change, so a script
 * printing millions of lines costs a scan per read — not a decode, an allocation per line and an
 * encode back for the log file.
 */
export interface OutputChunk {
  bytes: Buffer;
  lines: number;
}

/**
 * Receives each read's complete lines. When it returns a promise, reading that stream waits for
 * it: the runner returns one while its log file is catching up, so a fast script is slowed to the
 * disk's pace instead of filling memory.
 */
export type OutputListener = (stream: OutputStream, chunk: OutputChunk) => void | Promise<void>;

/** A started process: line streams, a way to end its whole tree, and its exit. */
export interface ScriptProcess {
  pid: number;
  /** Lets a gated process's script run (once; a no-op for a process that is not gated or is gone). */
  release(): void;
  onOutput(listener: OutputListener): void;
  /** Called once when the output cap is passed; output after it is dropped. */
  onOutputLimit(listener: () => void): void;
  /**
   * Ends the process and everything it started: TERM, then KILL after a grace period, to its
   * process group and, on Linux for a run, to every descendant below it, found by parent.
   */
  killTree(graceMs?: number): void;
  /**
   * The exit, once the process and, on Linux for a run, every descendant is gone: whatever the
   * bootstrap did not end before its interpreter exited is found and killed first.
   */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Longest line kept as one log line; longer output is split so one line cannot exhaust memory. */
export const MAX_LINE_CHARS = 16 * 1024;

/** Starts a process in its own process group so its descendants can be ended with it. */
export function startScriptProcess(request: SpawnRequest): ScriptProcess {
  const child: ChildProcess = spawn(request.executable, request.args, {
    cwd: request.cwd,
    env: request.env,
    shell: false,
    detached: treeStopPlan(HOST_OS).ownProcessGroup,
    stdio: [request.gatedSource ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  // A process that dies at the gate closes its end: EPIPE then is not an error of ours.
  child.stdin?.on('error', () => {});
  if (request.gatedSource && request.gatedBootstrap)
    child.stdin?.write(sourceFrame(request.gatedBootstrap));
  const sourceSent = request.gatedSource
    ? Promise.resolve(request.gatedSource).then(
        (source) => void child.stdin?.write(sourceFrame(source)),
        () => {},
      )
    : Promise.resolve();
  const listeners: OutputListener[] = [];
  const limitListeners: (() => void)[] = [];
  const budget = { left: request.maxOutputBytes ?? Number.POSITIVE_INFINITY, passed: false };
  // Synchronous unless a listener asks to wait: most reads must not cost a promise.
  const deliver = (stream: OutputStream, chunk: OutputChunk): Promise<void> | void => {
    const waits = listeners.map((listener) => listener(stream, chunk)).filter((w) => w);
    if (waits.length) return Promise.all(waits).then(() => {});
  };
  const take = (bytes: number): number => {
    if (budget.passed) return 0;
    if (bytes <= budget.left) {
      budget.left -= bytes;
      return bytes;
    }
    const allowed = budget.left;
    budget.left = 0;
    budget.passed = true;
    limitListeners.forEach((l) => l());
    return allowed;
  };
  const pump = (stream: OutputStream, readable: Readable) =>
    pumpLines(readable, request.scrub ?? null, take, (chunk) => deliver(stream, chunk));
  const done = Promise.all([pump('stdout', child.stdout!), pump('stderr', child.stderr!)]);
  // On Linux, for a run: the interpreter's descendants, to end those that left its group.
  const run = child.pid === undefined ? null : RunProcesses.of(child.pid, request.env);
  let killTimer: NodeJS.Timeout | undefined;
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        gone = true;
        clearTimeout(killTimer);
        // The run ends with its script: whatever it left running in its process group goes too,
        // and whatever left the group (see RunProcesses.sweep).
        signalTree(child, 'SIGKILL');
        const swept = run?.sweep(SWEEP_MS).catch(() => false);
        // Wait for the pipes to drain, but not for anything that still holds them open.
        const drained = new Promise<void>((settle) => {
          const timer = setTimeout(settle, 2000);
          void done.then(() => {
            clearTimeout(timer);
            settle();
          });
        });
        void Promise.all([swept, drained]).then(() => resolve({ code, signal }));
      });
    },
  );
  // Each signal follows a walk of the tree below the interpreter: it may die of the signal, and
  // what it leaves is found by that walk afterwards (see RunProcesses.noteDescendants).
  const signalRun = (signal: NodeJS.Signals) => {
    if (gone) return;
    run?.noteDescendants();
    signalTree(child, signal);
    run?.signalNoted(signal);
  };
  return {
    pid: child.pid ?? -1,
    release: () => {
      void sourceSent.then(() => {
        if (child.stdin && !child.stdin.writableEnded) child.stdin.end(RELEASE);
      });
    },
    onOutput: (listener) => listeners.push(listener),
    onOutputLimit: (listener) => limitListeners.push(listener),
    killTree(graceMs = 3000) {
      // Once it exited, its pid and group may be another program's.
      if (gone) return;
      signalRun('SIGTERM');
      killTimer ??= setTimeout(() => signalRun('SIGKILL'), graceMs);
    },
    exited,
  };
}

function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) signalProcessGroup(child.pid, signal);
}

/**
 * Reads a stream to its end and hands on each read's complete lines. Lines are found in the bytes
 * ("\n" never occurs inside a multi-byte UTF-8 character). Complete lines are scrubbed as one text
 * (a secret never spans a line: the scrubber looks for each line of a value). A partial line too
 * long to keep whole is cut only after scrubbing, keeping back enough characters that a secret
 * straddling the cut is still seen whole by the next scrub. Bytes beyond the budget are read (so
 * the child never blocks on a full pipe) and dropped.
 */
async function pumpLines(
  stream: Readable,
  scrubber: Scrubber | null,
  take: (bytes: number) => number,
  onChunk: (chunk: OutputChunk) => void | Promise<void>,
): Promise<void> {
  const holdback = scrubber ? Math.max(0, scrubber.longest - 1) : 0;
  const scrub = (bytes: Buffer): Buffer => {
    if (!scrubber) return bytes;
    const text = bytes.toString('utf8');
    const scrubbed = scrubber.scrub(text);
    return scrubbed === text ? bytes : Buffer.from(scrubbed, 'utf8');
  };
  let carry: Buffer = EMPTY;
  const onRead = (read: Buffer): Promise<void> | void => {
    const allowed = take(read.length);
    if (allowed === 0) return;
    const bytes = allowed < read.length ? read.subarray(0, allowed) : read;
    const parts: Buffer[] = [];
    const newline = bytes.lastIndexOf(NEWLINE);
    if (newline === -1) {
      carry = carry.length ? Buffer.concat([carry, bytes]) : bytes;
    } else {
      // Only the line the carried part completes is copied; the read's other lines are a view.
      let from = 0;
      if (carry.length) {
        from = bytes.indexOf(NEWLINE) + 1;
        parts.push(scrub(Buffer.concat([carry, bytes.subarray(0, from)])));
      }
      if (from <= newline) parts.push(scrub(bytes.subarray(from, newline + 1)));
      carry = bytes.subarray(newline + 1);
    }
    // 4 bytes per character at most: past this, the partial line is surely over the cap.
    if (carry.length > 4 * (MAX_LINE_CHARS + holdback)) {
      const cut = cutLongLine(carry, scrubber, holdback);
      parts.push(cut.line);
      carry = cut.rest;
    }
    const waits = parts.map((part) => onChunk(normalise(part))).filter((w) => w);
    if (waits.length) return Promise.all(waits).then(() => {});
  };
  // 'data' events rather than async iteration: a chatty script means thousands of reads, and a
  // promise per read is measurable. A listener that returns a promise pauses the stream until it settles.
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (read: Buffer) => {
      const waiting = onRead(read);
      if (waiting) {
        stream.pause();
        waiting.then(() => stream.resume(), reject);
      }
    });
    stream.once('end', resolve);
    stream.once('error', reject);
  });
  if (carry.length) await onChunk(normalise(scrub(Buffer.concat([carry, NEWLINE_BYTES]))));
}

const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;
const NEWLINE_BYTES = Buffer.from('\n');

/**
 * Ends a partial line that grew too long: everything but the last `holdback` characters becomes a
 * line of its own (scrubbed); the rest stays for the next read. Cuts only between characters.
 */
function cutLongLine(
  carry: Buffer,
  scrubber: Scrubber | null,
  holdback: number,
): { line: Buffer; rest: Buffer } {
  const whole = utf8Boundary(carry);
  let text = carry.toString('utf8', 0, whole);
  if (scrubber) text = scrubber.scrub(text);
  const cut = text.length - holdback;
  return {
    line: Buffer.from(`${text.slice(0, cut)}\n`, 'utf8'),
    rest: Buffer.concat([Buffer.from(text.slice(cut), 'utf8'), carry.subarray(whole)]),
  };
}

/** Where the last complete UTF-8 character of `bytes` ends. */
function utf8Boundary(bytes: Buffer): number {
  let start = bytes.length;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  while (start > 0 && bytes.length - start < 3 && (bytes[start - 1]! & 0xc0) === 0x80) start--;
  if (start === 0) return bytes.length;
  const lead = bytes[start - 1]!;
  if (lead < 0xc0) return bytes.length; // ASCII (or stray continuation bytes): nothing pending
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return bytes.length - (start - 1) >= size ? bytes.length : start - 1;
}

/** Counts the lines of `bytes` (each ends with "\n"); drops "\r" before "\n" and breaks long lines. */
export function normalise(bytes: Buffer): OutputChunk {
  let lines = 0;
  let long = false;
  let previous = -1;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) {
    // Bytes, not characters: a line over the cap in bytes is checked properly below.
    if (at - previous - 1 > MAX_LINE_CHARS) long = true;
    previous = at;
    lines++;
  }
  if (!long && !bytes.includes(0x0d)) return { bytes, lines };
  const out: string[] = [];
  for (const raw of bytes.toString('utf8', 0, bytes.length - 1).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length <= MAX_LINE_CHARS) out.push(line);
    else
      for (let i = 0; i < line.length; i += MAX_LINE_CHARS)
        out.push(line.slice(i, i + MAX_LINE_CHARS));
  }
  return { bytes: Buffer.from(`${out.join('\n')}\n`, 'utf8'), lines: out.length };
}
