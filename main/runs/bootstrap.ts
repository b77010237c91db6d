import { UTF8_MODE_ARGS } from '../platform/python-layout.js';
import { ARM_REAPER, REAPER } from './reaper.js';

/** CPython's `Py_file_input`: compile a module's source, as `compile(..., "exec")`. */
const PY_FILE_INPUT = 257;

/** How the bootstrap exits when it was never let through (the gate, below): no script code ran. */
export const NOT_RELEASED_EXIT = 86;

/** What the runner writes to the bootstrap's stdin to let the script's code run. */
export const RELEASE = '1';

/** Digits of the length that comes before the entry point's bytes on the bootstrap's stdin. */
export const SOURCE_LENGTH_DIGITS = 16;

/** Stdout bytes after which a script counts as chatty and its stdout gets a deeper buffer. */
export const DEEPEN_AFTER_BYTES = 1024 * 1024;

/** The send buffer a chatty script's stdout asks for (see below). */
export const DEEP_SEND_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Compiles the entry point's bytes as `compile(source, filename, "exec")` would (the same parser,
 * coding cookie, optimisation level; a syntax error names the file), through the C API's
 * `Py_CompileStringExFlags` where `_ctypes` can reach it. The builtin `compile()` first builds the
 * `_ast` module's hundred-odd node types to ask whether its argument is a tree: 1.5 ms of every
 * run at best, and 10–30 ms on a loaded machine, measured here. `_ctypes` is loaded for the
 * reaper anyway. Source holding a NUL byte (which the C string would cut short), or a Python
 * where the symbol cannot be found (Windows), goes through `compile()`.
 */
const COMPILE = [
  'def _scriptdesk_compile(source, filename):',
  '    if b"\\0" not in source:',
  '        try:',
  '            import _ctypes',
  '            class Object(_ctypes._SimpleCData):',
  '                _type_ = "O"',
  '            class Text(_ctypes._SimpleCData):',
  '                _type_ = "z"',
  '            class Int(_ctypes._SimpleCData):',
  '                _type_ = "i"',
  '            class Pointer(_ctypes._SimpleCData):',
  '                _type_ = "P"',
  '            class Compile(_ctypes.CFuncPtr):',
  '                _flags_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_PYTHONAPI',
  '                _restype_ = Object',
  '                _argtypes_ = (Text, Text, Int, Pointer, Int)',
  '            compile_string = Compile(_ctypes.dlsym(_ctypes.dlopen(None, 0), "Py_CompileStringExFlags"))',
  '        except (ImportError, AttributeError, OSError):',
  '            pass',
  '        else:',
  `            return compile_string(source, os.fsencode(filename), ${PY_FILE_INPUT}, None, -1)`,
  '    return compile(source, filename, "exec")',
];

/**
 * How the runner starts a script's entry point: `python -I -B -X utf8 -c BOOTSTRAP <entry> [args]`.
 *
 * The entry point's code does not come from its file: the runner reads the file, checks it against
 * the signed catalogue (`script-integrity.ts`) and writes those very bytes to the bootstrap's
 * stdin at once ({@link sourceFrame}), so a file swapped between the check and Python's start is
 * never what runs. `__file__` and `sys.argv[0]` still name the file, for tracebacks and scripts
 * that look beside themselves. `-B`: Python writes no `.pyc` into the venv, so a venv stays exactly
 * as built and any file that appears in it is a difference the next check refuses.
 *
 * Output must be live (a `::progress` line should show at once) and fast (a script printing
 * 50 MB should not be slowed by its log). `python -u` gives the first and loses the second: every
 * print becomes two unbuffered writes to the pipe, and the pipe wake-ups cost 4x the script's own
 * time. So stdout stays block-buffered, as Python makes it for pipes, and a background thread
 * flushes it every 100 ms (a bare `_thread`: importing `threading` would cost 4 ms per run);
 * whatever goes to stderr first flushes stdout, so a traceback still follows the lines printed
 * before it. At exit it is stopped, under its lock, before Python finalises its streams (a thread
 * holding the stdout lock then is a fatal error). Then the entry point's code runs in `__main__`
 * with `__file__` and `sys.argv` as if it had been started directly (not through runpy, which
 * costs a few milliseconds of imports per run). `-I` keeps sys.path free of the working directory
 * and the script's folder, with `-c` too.
 *
 * The gate: the script's code runs only once the runner writes "1" to the bootstrap's stdin, which
 * it does when the run's start is durably journaled. So the interpreter's own start (about 15 ms)
 * overlaps the journal's flush to disk instead of following it, and yet no line of the script runs
 * unrecorded: if the journal refuses, the runner kills the waiting process; if ScriptDesk dies
 * first, stdin reaches its end and the bootstrap exits without running anything. Once through,
 * stdin is /dev/null again, as it is for every script.
 *
 * The reaper (Linux, see `reaper.ts`): the interpreter makes itself a child subreaper, so nothing
 * the script starts can detach from below it, and arms an exit handler that ends and reaps
 * whatever the script left before the interpreter exits.
 *
 * Stdout is a socket pair on Linux and macOS (that is what Node's child pipes are), with a send
 * buffer of about 200 KB: a fraction of a millisecond of a chatty script's output, so every pause
 * of ScriptDesk's main thread (a garbage collection, a batch of log lines) stopped the script. Once
 * a script has written 1 MB to stdout, the bootstrap asks for a 4 MB buffer (`SO_SNDBUF`; the OS
 * may allow less: Linux caps it at `net.core.wmem_max`). Only then, because importing `_socket`
 * costs about 1.7 ms, which a script printing a few lines should not pay. Writes stay 64 KB.
 */
export const BOOTSTRAP = [
  'import _thread, atexit, io, os, sys, time',
  ...REAPER,
  'class _ScriptDeskStdout(io.FileIO):',
  `    until_deepened = ${DEEPEN_AFTER_BYTES}`,
  '    def write(self, data):',
  '        written = super().write(data)',
  '        if self.until_deepened > 0 and written:',
  '            self.until_deepened -= written',
  '            if self.until_deepened <= 0:',
  '                try:',
  '                    import _socket',
  '                    out = _socket.socket(fileno=self.fileno())',
  '                    try:',
  `                        out.setsockopt(_socket.SOL_SOCKET, _socket.SO_SNDBUF, ${DEEP_SEND_BUFFER_BYTES})`,
  '                    finally:',
  '                        out.detach()',
  '                except Exception:',
  '                    pass',
  '        return written',
  'sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.BufferedWriter(_ScriptDeskStdout(1, "w", closefd=False), 1 << 16), encoding="utf-8", errors=sys.stdout.errors)',
  'class _ScriptDeskStderr(io.TextIOWrapper):',
  '    stdout = sys.stdout',
  '    def write(self, text):',
  '        self.stdout.flush()',
  '        return super().write(text)',
  'sys.stderr = sys.__stderr__ = _ScriptDeskStderr(sys.stderr.detach(), encoding="utf-8", errors="backslashreplace", line_buffering=True)',
  'def _scriptdesk_flush(out, stopped, lock, sleep):',
  '    while True:',
  '        sleep(0.1)',
  '        with lock:',
  '            if stopped:',
  '                return',
  '            try:',
  '                out.flush()',
  '            except Exception:',
  '                return',
  'def _scriptdesk_stop(stopped, lock):',
  '    with lock:',
  '        stopped.append(True)',
  ...ARM_REAPER,
  '_stopped, _lock = [], _thread.allocate_lock()',
  '_thread.start_new_thread(_scriptdesk_flush, (sys.stdout, _stopped, _lock, time.sleep))',
  'atexit.register(_scriptdesk_stop, _stopped, _lock)',
  'sys.argv = sys.argv[1:]',
  '__file__ = sys.argv[0]',
  'def _scriptdesk_read(size):',
  '    parts = []',
  '    while size > 0:',
  '        part = os.read(0, size)',
  '        if not part:',
  `            os._exit(${NOT_RELEASED_EXIT})`,
  '        parts.append(part)',
  '        size -= len(part)',
  '    return b"".join(parts)',
  ...COMPILE,
  `_scriptdesk_code = _scriptdesk_compile(_scriptdesk_read(int(_scriptdesk_read(${SOURCE_LENGTH_DIGITS}))), __file__)`,
  `if os.read(0, 1) != b"${RELEASE}":`,
  `    os._exit(${NOT_RELEASED_EXIT})`,
  '_stdin = os.open(os.devnull, os.O_RDONLY)',
  'os.dup2(_stdin, 0)',
  'os.close(_stdin)',
  'del _thread, atexit, io, os, time, _ScriptDeskStdout, _ScriptDeskStderr, _scriptdesk_flush, _scriptdesk_stop, _scriptdesk_read, _scriptdesk_compile, _stopped, _lock, _stdin, _scriptdesk_subreaper, _scriptdesk_job, _scriptdesk_reap, _scriptdesk_drain, _scriptdesk_exit',
  // Left by the loader when the bootstrap came compiled (see LOADER); absent otherwise.
  'globals().pop("_scriptdesk_load", None)',
  'globals().pop("marshal", None)',
  'exec(_scriptdesk_code)',
].join('\n');

/** The interpreter arguments that run `entry` with `args` through the bootstrap. */
export function interpreterArgs(entry: string, args: readonly string[]): string[] {
  return ['-I', '-B', ...UTF8_MODE_ARGS, '-c', BOOTSTRAP, entry, ...args];
}

/**
 * What goes to the bootstrap's stdin first: the entry point's length, then its bytes. The
 * compiled bootstrap goes to the loader the same way, before it.
 */
export function sourceFrame(source: Uint8Array): Buffer {
  const length = String(source.length).padStart(SOURCE_LENGTH_DIGITS, '0');
  return Buffer.concat([Buffer.from(length, 'ascii'), source]);
}

/**
 * Parsing and compiling the bootstrap's 5.6 KB of source is a tenth of the interpreter's start
 * (44.6 M instructions with it against 40.3 M with its compiled code, counted with callgrind).
 * So once per interpreter the runner has it compiled ({@link COMPILE_BOOTSTRAP_ARGS}) and keeps
 * the marshalled code object in memory, never on disk, where another program could change it.
 * Later runs start this small loader instead, and write that code to its stdin before the entry
 * point: it runs in `__main__` exactly as the source would have, gate included.
 */
export const LOADER = [
  'import os, marshal',
  'def _scriptdesk_load(size):',
  '    data = b""',
  '    while len(data) < size:',
  '        part = os.read(0, size - len(data))',
  '        if not part:',
  `            os._exit(${NOT_RELEASED_EXIT})`,
  '        data += part',
  '    return data',
  `exec(marshal.loads(_scriptdesk_load(int(_scriptdesk_load(${SOURCE_LENGTH_DIGITS})))))`,
].join('\n');

/**
 * Compiles the source on stdin as `-c` would (file name `<string>`, the same flags) and writes
 * the marshalled code object to stdout; run by the runtime whose venvs will load it (its marshal
 * format). `-S`: no `site`, so no venv, no site-packages and no `.pth` file takes part, and
 * nothing on the device but the interpreter itself decides the code every later run starts with.
 */
export const COMPILE_BOOTSTRAP_ARGS = [
  '-I',
  '-S',
  '-B',
  '-c',
  'import marshal, sys; sys.stdout.buffer.write(marshal.dumps(compile(sys.stdin.buffer.read(), "<string>", "exec")))',
];

/** {@link interpreterArgs} with the loader in place of the bootstrap's source. */
export function loaderArgs(args: readonly string[]): string[] {
  const at = args.indexOf(BOOTSTRAP);
  if (at < 0) throw new Error('These interpreter arguments do not start the bootstrap.');
  return args.with(at, LOADER);
}
