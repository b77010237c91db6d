/**
 * How the runner starts a script's entry point: `python -I -X utf8 -c BOOTSTRAP <entry> [args]`.
 *
 * Output must be live (a `::progress` line should show at once) and fast (a script printing
 * 50 MB should not be slowed by its log). `python -u` gives the first and loses the second: every
 * print becomes two unbuffered writes to the pipe, and the pipe wake-ups cost 4x the script's own
 * time. So stdout stays block-buffered, as Python makes it for pipes, and a daemon thread flushes
 * it every 100 ms; whatever goes to stderr first flushes stdout, so a traceback still follows the
 * lines printed before it. At exit the thread is stopped before Python finalises its streams (a
 * daemon thread holding the stdout lock then is a fatal error). Then the entry point's code runs
 * in `__main__` with `__file__` and `sys.argv` as if it had been started directly (not through
 * runpy, which costs a few milliseconds of imports per run). `-I` keeps sys.path free of the
 * working directory and the script's folder, with `-c` too.
 */
export const BOOTSTRAP = [
  'import atexit, io, sys, threading',
  'class _ScriptDeskStderr(io.TextIOWrapper):',
  '    stdout = sys.stdout',
  '    def write(self, text):',
  '        self.stdout.flush()',
  '        return super().write(text)',
  'sys.stderr = sys.__stderr__ = _ScriptDeskStderr(sys.stderr.detach(), encoding="utf-8", errors="backslashreplace", line_buffering=True)',
  'def _scriptdesk_flush(stop, out):',
  '    while not stop.wait(0.1):',
  '        try:',
  '            out.flush()',
  '        except Exception:',
  '            return',
  '_stop = threading.Event()',
  '_flusher = threading.Thread(target=_scriptdesk_flush, args=(_stop, sys.stdout), name="scriptdesk-output", daemon=True)',
  '_flusher.start()',
  'atexit.register(lambda stop=_stop, flusher=_flusher: (stop.set(), flusher.join(1)))',
  'sys.argv = sys.argv[1:]',
  '__file__ = sys.argv[0]',
  'with open(__file__, "rb") as _source:',
  '    _scriptdesk_code = compile(_source.read(), __file__, "exec")',
  'del atexit, io, threading, _ScriptDeskStderr, _scriptdesk_flush, _stop, _flusher, _source',
  'exec(_scriptdesk_code)',
].join('\n');

/** The interpreter arguments that run `entry` with `args` through the bootstrap. */
export function interpreterArgs(entry: string, args: readonly string[]): string[] {
  return ['-I', '-X', 'utf8', '-c', BOOTSTRAP, entry, ...args];
}
