/**
 * How the runner starts a script's entry point: `python -I -X utf8 -c BOOTSTRAP <entry> [args]`.
 *
 * Output must be live (a `::progress` line should show at once) and fast (a script printing
 * 50 MB should not be slowed by its log). `python -u` gives the first and loses the second: every
 * print becomes two unbuffered writes to the pipe, and the pipe wake-ups cost 4x the script's own
 * time. So stdout stays block-buffered, as Python makes it for pipes, and a background thread
 * flushes it every 100 ms (a bare `_thread`: importing `threading` would cost 4 ms per run); whatever goes to stderr first flushes stdout, so a traceback still follows the
 * lines printed before it. At exit it is stopped, under its lock, before Python finalises its
 * streams (a thread holding the stdout lock then is a fatal error). Then the entry point's code runs
 * in `__main__` with `__file__` and `sys.argv` as if it had been started directly (not through
 * runpy, which costs a few milliseconds of imports per run). `-I` keeps sys.path free of the
 * working directory and the script's folder, with `-c` too.
 */
export const BOOTSTRAP = [
  'import _thread, atexit, io, sys, time',
  'try:',
  '    import fcntl',
  '    fcntl.fcntl(1, 1031, 1 << 20)', // F_SETPIPE_SZ (Linux): a 1 MB pipe lets the script run ahead
  '    del fcntl',
  'except Exception:',
  '    pass',
  'sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False), 1 << 16), encoding="utf-8", errors=sys.stdout.errors)',
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
  '_stopped, _lock = [], _thread.allocate_lock()',
  '_thread.start_new_thread(_scriptdesk_flush, (sys.stdout, _stopped, _lock, time.sleep))',
  'atexit.register(_scriptdesk_stop, _stopped, _lock)',
  'sys.argv = sys.argv[1:]',
  '__file__ = sys.argv[0]',
  'with open(__file__, "rb") as _source:',
  '    _scriptdesk_code = compile(_source.read(), __file__, "exec")',
  'del _thread, atexit, io, time, _ScriptDeskStderr, _scriptdesk_flush, _scriptdesk_stop, _stopped, _lock, _source',
  'exec(_scriptdesk_code)',
].join('\n');

/** The interpreter arguments that run `entry` with `args` through the bootstrap. */
export function interpreterArgs(entry: string, args: readonly string[]): string[] {
  return ['-I', '-X', 'utf8', '-c', BOOTSTRAP, entry, ...args];
}
