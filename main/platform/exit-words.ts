import type { OsName } from './os.js';

/**
 * Windows NTSTATUS codes a crashed or interrupted process exits with, in plain words. Windows has
 * no signals: a crash is an exit code above 255 (0xC0000005…), which Node reports as an unsigned
 * number and some tools as a negative one.
 */
const NTSTATUS: ReadonlyMap<number, string> = new Map([
  [0xc0000005, 'a crash: an access violation, reading or writing memory it does not own'],
  [0xc000013a, 'Ctrl+C or its console window closing'],
  [0xc00000fd, 'a crash: a stack overflow, often endless recursion'],
  [0xc0000409, 'a stack buffer overrun: it ended itself on purpose after detecting corruption'],
  [0xc0000374, 'a crash: a corrupted heap'],
  [0xc0000017, 'running out of memory'],
  [0xc000001d, 'a crash: an illegal instruction, or a build for another processor'],
  [0xc0000094, 'a crash: an integer division by zero'],
  [0xc0000135, 'a DLL it needs not being found'],
  [0xc0000142, 'a DLL failing to start'],
  [0x40010004, 'a debugger or another program ending it'],
]);

/** POSIX signals a script can be ended by, in plain words. */
const SIGNALS: Readonly<Partial<Record<NodeJS.Signals, string>>> = {
  SIGKILL: 'a forced kill, often by the system running out of memory',
  SIGTERM: 'a request to stop from outside ScriptDesk',
  SIGINT: 'Ctrl+C',
  SIGHUP: 'its terminal closing',
  SIGSEGV: 'a crash: a segmentation fault',
  SIGBUS: 'a crash: a bus error',
  SIGABRT: 'it aborting itself, usually after detecting an error',
  SIGFPE: 'a crash: an arithmetic error',
  SIGILL: 'a crash: an illegal instruction',
  SIGPIPE: 'writing to a pipe nobody reads',
  SIGXCPU: 'reaching its CPU time limit',
};

/**
 * Plain words for how a process ended, when its code or signal says more than a number: an
 * NTSTATUS exit code on Windows (`0xC0000005 (an access violation…)`), a signal elsewhere. Null
 * for an ordinary exit code, whose meaning is the script's own (its manifest's `exitCodes`).
 */
export function exitWords(
  os: OsName,
  code: number | null,
  signal: NodeJS.Signals | null,
): string | null {
  if (code === null) {
    if (!signal) return null;
    const words = SIGNALS[signal];
    return words ? `the signal ${signal} (${words})` : `the signal ${signal}`;
  }
  if (os !== 'win32' || Number.isNaN(code)) return null;
  const status = code >>> 0;
  const words = NTSTATUS.get(status);
  const hex = `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
  if (words) return `${hex} (${words})`;
  // Severity "error" (0xC…) with the customer bit clear: a system status without words here.
  return status >= 0xc0000000 && status <= 0xcfffffff ? `${hex} (a Windows error status)` : null;
}
