import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

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
}

/** Blanks secret values in text; `longest` is the longest value it looks for. */
export interface Scrubber {
  scrub(text: string): string;
  longest: number;
}

export type OutputStream = 'stdout' | 'stderr';

/**
 * The complete lines of one read as one text: every line ends with "\n", a "\r" before it is
 * dropped, a line longer than {@link MAX_LINE_CHARS} is broken into several, and secrets are
 * already blanked. Kept as one string rather than an array, so a script printing millions of
 * lines costs a scan per read, not an allocation per line.
 */
export interface OutputChunk {
  text: string;
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
  onOutput(listener: OutputListener): void;
  /** Called once when the output cap is passed; output after it is dropped. */
  onOutputLimit(listener: () => void): void;
  /** Ends the process and everything it started (its process group): TERM, then KILL after a grace period. */
  killTree(graceMs?: number): void;
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
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const listeners: OutputListener[] = [];
  const limitListeners: (() => void)[] = [];
  const budget = { left: request.maxOutputBytes ?? Number.POSITIVE_INFINITY, passed: false };
  const deliver = async (stream: OutputStream, chunk: OutputChunk) => {
    for (const listener of listeners) await listener(stream, chunk);
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        // The run ends with its script: whatever it left running in its process group goes too.
        signalTree(child, 'SIGKILL');
        // Wait for the pipes to drain, but not for anything that still holds them open.
        const settle = () => resolve({ code, signal });
        const timer = setTimeout(settle, 2000);
        void done.then(() => {
          clearTimeout(timer);
          settle();
        });
      });
    },
  );
  let killTimer: NodeJS.Timeout | undefined;
  void exited.finally(() => clearTimeout(killTimer)).catch(() => {});
  return {
    pid: child.pid ?? -1,
    onOutput: (listener) => listeners.push(listener),
    onOutputLimit: (listener) => limitListeners.push(listener),
    killTree(graceMs = 3000) {
      signalTree(child, 'SIGTERM');
      killTimer ??= setTimeout(() => signalTree(child, 'SIGKILL'), graceMs);
    },
    exited,
  };
}

function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Reads a stream to its end, decoding UTF-8 across chunk boundaries, and hands on each read's
 * complete lines. Complete lines are scrubbed as one text (a secret never spans a line: the
 * scrubber looks for each line of a value). A partial line too long to keep whole is cut only
 * after scrubbing, keeping back enough characters that a secret straddling the cut is still seen
 * whole by the next scrub. Bytes beyond the budget are read (so the child never blocks on a full
 * pipe) and dropped.
 */
async function pumpLines(
  stream: Readable,
  scrubber: Scrubber | null,
  take: (bytes: number) => number,
  onChunk: (chunk: OutputChunk) => void | Promise<void>,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const scrub = scrubber ? (text: string) => scrubber.scrub(text) : (text: string) => text;
  const holdback = scrubber ? Math.max(0, scrubber.longest - 1) : 0;
  let pending = '';
  for await (const bytes of stream as AsyncIterable<Buffer>) {
    const allowed = take(bytes.length);
    if (allowed === 0) continue;
    pending += decoder.write(allowed < bytes.length ? bytes.subarray(0, allowed) : bytes);
    let text = '';
    const last = pending.lastIndexOf('\n');
    if (last !== -1) {
      text = scrub(pending.slice(0, last + 1));
      pending = pending.slice(last + 1);
    }
    if (pending.length > MAX_LINE_CHARS + holdback) {
      pending = scrub(pending);
      const cut = pending.length - holdback;
      text += pending.slice(0, cut) + '\n';
      pending = pending.slice(cut);
    }
    if (text) await onChunk(normalise(text));
  }
  pending += decoder.end();
  if (pending) await onChunk(normalise(scrub(pending) + '\n'));
}

/** Counts the lines of `text` (each ends with "\n"); drops "\r" before "\n" and breaks long lines. */
export function normalise(text: string): OutputChunk {
  let lines = 0;
  let long = false;
  let previous = -1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    if (at - previous - 1 > MAX_LINE_CHARS) long = true;
    previous = at;
    lines++;
  }
  if (!long && !text.includes('\r')) return { text, lines };
  const out: string[] = [];
  for (const raw of text.slice(0, -1).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length <= MAX_LINE_CHARS) out.push(line);
    else
      for (let i = 0; i < line.length; i += MAX_LINE_CHARS)
        out.push(line.slice(i, i + MAX_LINE_CHARS));
  }
  return { text: out.join('\n') + '\n', lines: out.length };
}
