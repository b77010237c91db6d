/** How the bootstrap exits, before any script code ran, when it cannot become a reaper (below). */
export const NO_REAPER_EXIT = 87;

/** PR_SET_CHILD_SUBREAPER and PR_SET_DUMPABLE from <linux/prctl.h>. */
const PR_SET_CHILD_SUBREAPER = 36;
const PR_SET_DUMPABLE = 4;

/**
 * The Python of the reaper, part of the bootstrap on Linux (see `bootstrap.ts`): two functions.
 *
 * `_scriptdesk_subreaper()` runs before the gate: it makes the interpreter a child subreaper
 * (`prctl(PR_SET_CHILD_SUBREAPER)`), so a process the script leaves behind, however it detaches
 * (`setsid()`, a double fork), is re-parented to the interpreter instead of to init and stays
 * findable. `prctl` is called through `_ctypes` directly: importing `ctypes` costs about 3 ms
 * (its `struct` and endianness modules), `_ctypes` about 0.4 ms. If that fails (a Python built
 * without ctypes, a kernel older than 3.4) no script code runs: one line on stderr says why.
 *
 * `_scriptdesk_reap(prctl)` runs once the gate is passed: it forks. The child returns and runs
 * the script. The parent stays behind as the reaper: it ignores the signals that end a run from
 * outside (they are for the script: a script's own `killpg(0, SIGTERM)` must not end its reaper
 * either), reaps orphans as they end, and when the script ends, SIGKILLs whatever is left among
 * its children, reaps, and repeats until it has no child at all: then no descendant is left,
 * since every live descendant has a chain of live parents up to it. Then it exits as the script
 * did: the same code, or the same signal (raised on itself, not dumpable, so a crash gives one
 * core file, the script's). Its pid is the one ScriptDesk spawned, so its exit is the run's end.
 *
 * Children are listed from /proc/<pid>/task/<pid>/children where the kernel has it
 * (CONFIG_PROC_CHILDREN), otherwise by the parent pid in every /proc/<pid>/stat: only when
 * something is left, never for a script that leaves nothing. Both listings can miss a process
 * re-parented while they are read, so the reaper blocks in `waitpid` only after killing at least
 * one child, and otherwise looks again a millisecond later.
 */
export const REAPER = [
  'def _scriptdesk_subreaper():',
  '    try:',
  '        import _ctypes',
  '        class _Int(_ctypes._SimpleCData):',
  '            _type_ = "i"',
  '        class _Prctl(_ctypes.CFuncPtr):',
  '            _flags_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO',
  '            _restype_ = _Int',
  '        prctl = _Prctl(_ctypes.dlsym(_ctypes.dlopen(None, 0), "prctl"))',
  `        if prctl(${PR_SET_CHILD_SUBREAPER}, 1, 0, 0, 0) != 0:`,
  '            raise OSError(_ctypes.get_errno(), os.strerror(_ctypes.get_errno()))',
  '    except (ImportError, AttributeError, OSError) as error:',
  '        sys.stderr.write(f"ScriptDesk did not run this script: this Python cannot keep track of the processes a script starts ({error}). It needs Linux 3.4 or later and a Python built with ctypes; tell IT.\\n")',
  '        sys.stderr.flush()',
  `        os._exit(${NO_REAPER_EXIT})`,
  '    return prctl',
  'def _scriptdesk_reap(prctl):',
  '    import _signal',
  '    quiet = (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP)',
  '    saved = [_signal.signal(number, _signal.SIG_IGN) for number in quiet]',
  '    script = os.fork()',
  '    if script == 0:',
  '        for number, handler in zip(quiet, saved):',
  '            _signal.signal(number, handler)',
  '        return',
  '    status = None',
  '    while status is None:',
  '        pid, waited = os.waitpid(-1, 0)',
  '        if pid == script:',
  '            status = waited',
  '    me = os.getpid()',
  '    while True:',
  '        try:',
  '            if os.waitpid(-1, os.WNOHANG)[0]:',
  '                continue',
  '        except ChildProcessError:',
  '            break',
  '        left = _scriptdesk_children(me)',
  '        for pid in left:',
  '            try:',
  '                os.kill(pid, 9)',
  '            except OSError:',
  '                pass',
  '        if left:',
  '            os.waitpid(-1, 0)',
  '        else:',
  '            time.sleep(0.001)',
  '    if os.WIFSIGNALED(status):',
  '        number = os.WTERMSIG(status)',
  `        prctl(${PR_SET_DUMPABLE}, 0, 0, 0, 0)`,
  '        _signal.signal(number, _signal.SIG_DFL)',
  '        os.kill(me, number)',
  '        os._exit(128 + number)',
  '    os._exit(os.WEXITSTATUS(status))',
  'def _scriptdesk_children(me):',
  '    try:',
  '        with open(f"/proc/{me}/task/{me}/children", "rb") as listing:',
  '            return [int(pid) for pid in listing.read().split()]',
  '    except OSError:',
  '        pass',
  '    found, parent = [], str(me).encode()',
  '    for name in os.listdir("/proc"):',
  '        if name.isdigit():',
  '            try:',
  '                with open(f"/proc/{name}/stat", "rb") as stat:',
  '                    fields = stat.read().rpartition(b")")[2].split(None, 2)',
  '            except OSError:',
  '                continue',
  '            if fields[1] == parent:',
  '                found.append(int(name))',
  '    return found',
];
