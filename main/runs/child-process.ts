import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** How the runner starts a script process: absolute path, argument vector, no shell. */
export interface SpawnRequest {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** A started process: line streams, a way to end its whole tree, and its exit. */
export interface ScriptProcess {
  pid: number;
  onLine(listener: (stream: 'stdout' | 'stderr', line: string) => void): void;
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
  const listeners: ((stream: 'stdout' | 'stderr', line: string) => void)[] = [];
  const emit = (stream: 'stdout' | 'stderr', line: string) =>
    listeners.forEach((l) => l(stream, line));
  const done = Promise.all([
    pumpLines(child.stdout!, (line) => emit('stdout', line)),
    pumpLines(child.stderr!, (line) => emit('stderr', line)),
  ]);
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
    onLine: (listener) => listeners.push(listener),
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

async function pumpLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  stream.setEncoding('utf8');
  let pending = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      emitCapped(pending.slice(0, newline).replace(/\r$/, ''), onLine);
      pending = pending.slice(newline + 1);
    }
    if (pending.length > MAX_LINE_CHARS) {
      onLine(pending.slice(0, MAX_LINE_CHARS));
      pending = pending.slice(MAX_LINE_CHARS);
    }
  }
  if (pending) emitCapped(pending, onLine);
}

function emitCapped(line: string, onLine: (line: string) => void): void {
  for (let i = 0; i < line.length; i += MAX_LINE_CHARS) onLine(line.slice(i, i + MAX_LINE_CHARS));
  if (line.length === 0) onLine('');
}
