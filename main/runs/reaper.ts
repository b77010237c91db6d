/** How the bootstrap exits, before any script code ran, when it cannot become a subreaper. */
export const NO_SUBREAPER_EXIT = 87;

/** PR_SET_CHILD_SUBREAPER from <linux/prctl.h>. */
const PR_SET_CHILD_SUBREAPER = 36;

/**
 * The loop that ends what a script left (run by `_scriptdesk_reap`, below, only when something is
 * left, so a script that leaves nothing never pays for compiling it): SIGKILL every child of the
 * interpreter, reap, and again until it has no child at all. Children are listed from
 * /proc/<pid>/task/<pid>/children where the kernel has it (CONFIG_PROC_CHILDREN), otherwise by the
 * parent pid in every /proc/<pid>/stat. Either can miss a process re-parented while it is read, so
 * it blocks in `waitpid` only after killing at least one child, and otherwise looks again soon.
 */
const DRAIN = [
  'import time',
  'def children():',
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
  '                    if stat.read().rpartition(b")")[2].split(None, 2)[1] == parent:',
  '                        found.append(int(name))',
  '            except (OSError, IndexError):',
  '                pass',
  '    return found',
  'while True:',
  '    try:',
  '        if os.waitpid(-1, os.WNOHANG)[0]:',
  '            continue',
  '    except ChildProcessError:',
  '        break',
  '    left = children()',
  '    for pid in left:',
  '        try:',
  '            os.kill(pid, 9)',
  '        except OSError:',
  '            pass',
  '    if left:',
  '        os.waitpid(-1, 0)',
  '    else:',
  '        time.sleep(0.001)',
].join('\n');

/**
 * The bootstrap's part in ending every descendant of a run (Linux; see the README).
 *
 * `_scriptdesk_subreaper()` runs before the gate (see ARM_REAPER): it makes the interpreter a
 * child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`), so a process the script leaves behind, however
 * it detaches (`setsid()`, a double fork), is re-parented to the interpreter instead of to init
 * while the interpreter lives. `prctl` is called through `_ctypes` directly: importing `ctypes`
 * costs about 3 ms (its `struct` and endianness modules), `_ctypes` about 0.4 ms. If it fails (a
 * Python built without ctypes, a kernel older than 3.4) no script code runs: one line on stderr
 * says why.
 *
 * `_scriptdesk_reap(me, os, drain)` is registered with `atexit` first, so it runs last: after the
 * script's own exit handlers and its threads, it ends and reaps every process left below the
 * interpreter (the loop above), then Python finishes as usual. `os._exit` skips `atexit`, so the
 * bootstrap's `os._exit` reaps first too. Both do nothing in a process the script forked (its pid
 * differs). What it cannot cover (the interpreter killed by a signal, a crash) the runner does.
 */
export const REAPER = [
  'def _scriptdesk_subreaper():',
  '    try:',
  '        import _ctypes',
  '        class Int(_ctypes._SimpleCData):',
  '            _type_ = "i"',
  '        class Prctl(_ctypes.CFuncPtr):',
  '            _flags_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO',
  '            _restype_ = Int',
  `        if Prctl(_ctypes.dlsym(_ctypes.dlopen(None, 0), "prctl"))(${PR_SET_CHILD_SUBREAPER}, 1, 0, 0, 0):`,
  '            raise OSError(_ctypes.get_errno(), os.strerror(_ctypes.get_errno()))',
  '    except (ImportError, AttributeError, OSError) as error:',
  '        sys.stderr.write(f"ScriptDesk did not run this script: this Python cannot keep track of the processes a script starts ({error}). It needs Linux 3.4 or later and a Python built with ctypes; tell IT.\\n")',
  '        sys.stderr.flush()',
  `        os._exit(${NO_SUBREAPER_EXIT})`,
  'def _scriptdesk_reap(me, os, drain):',
  '    if os.getpid() == me:',
  '        try:',
  '            os.waitpid(-1, os.WNOHANG)',
  '        except ChildProcessError:',
  '            return',
  '        exec(drain, {"os": os, "me": me})',
  `_scriptdesk_drain = ${JSON.stringify(DRAIN)}`,
  'def _scriptdesk_exit(code, exit=os._exit, reap=_scriptdesk_reap, me=os.getpid(), os=os, drain=_scriptdesk_drain):',
  '    reap(me, os, drain)',
  '    exit(code)',
];

/** JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE and JobObjectExtendedLimitInformation from <winnt.h>. */
const KILL_ON_JOB_CLOSE = 0x2000;
const EXTENDED_LIMIT_INFORMATION = 9;

/**
 * Windows' part (see `platform/process-tree.ts`): `_scriptdesk_job()` puts the interpreter in a
 * new Job Object with kill-on-job-close before the gate. Every process the script starts joins the
 * job; its one handle is the interpreter's and is not inherited, so when the interpreter ends (it
 * exits, or main ends it with `TerminateProcess` on cancel or time limit) Windows closes the
 * handle and ends every process still in the job: what the subreaper and the drain do on Linux.
 * `ctypes` is imported here (about 3 ms), on Windows only. If the job cannot be made, no script
 * code runs, as on Linux. Written from the Win32 documentation; not run on Windows yet (see
 * `main/platform/README.md`).
 */
const JOB = [
  'def _scriptdesk_job():',
  '    try:',
  '        import ctypes',
  '        from ctypes import wintypes as w',
  '        k = ctypes.WinDLL("kernel32", use_last_error=True)',
  '        k.CreateJobObjectW.restype = w.HANDLE',
  '        k.CreateJobObjectW.argtypes = (ctypes.c_void_p, w.LPCWSTR)',
  '        k.SetInformationJobObject.argtypes = (w.HANDLE, ctypes.c_int, ctypes.c_void_p, w.DWORD)',
  '        k.AssignProcessToJobObject.argtypes = (w.HANDLE, w.HANDLE)',
  '        k.GetCurrentProcess.restype = w.HANDLE',
  '        class Basic(ctypes.Structure):',
  '            _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64), ("LimitFlags", w.DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t), ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", w.DWORD), ("Affinity", ctypes.c_size_t), ("PriorityClass", w.DWORD), ("SchedulingClass", w.DWORD)]',
  '        class Io(ctypes.Structure):',
  '            _fields_ = [(name, ctypes.c_uint64) for name in ("ReadOperationCount", "WriteOperationCount", "OtherOperationCount", "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]',
  '        class Extended(ctypes.Structure):',
  '            _fields_ = [("BasicLimitInformation", Basic), ("IoInfo", Io), ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t), ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]',
  '        job = k.CreateJobObjectW(None, None)',
  '        if not job:',
  '            raise ctypes.WinError(ctypes.get_last_error())',
  '        limits = Extended()',
  `        limits.BasicLimitInformation.LimitFlags = ${KILL_ON_JOB_CLOSE}`,
  `        if not k.SetInformationJobObject(job, ${EXTENDED_LIMIT_INFORMATION}, ctypes.byref(limits), ctypes.sizeof(limits)):`,
  '            raise ctypes.WinError(ctypes.get_last_error())',
  '        if not k.AssignProcessToJobObject(job, k.GetCurrentProcess()):',
  '            raise ctypes.WinError(ctypes.get_last_error())',
  '    except (ImportError, AttributeError, OSError) as error:',
  '        sys.stderr.write(f"ScriptDesk did not run this script: this Python cannot keep track of the processes a script starts ({error}). It needs Windows 8 or later and a Python built with ctypes; tell IT.\\n")',
  '        sys.stderr.flush()',
  `        os._exit(${NO_SUBREAPER_EXIT})`,
];

/**
 * The bootstrap lines that guard the process tree before the gate: on Linux the subreaper and the
 * reaping at exit, on Windows the Job Object; on macOS main's process group and `ps` scan do it.
 */
export const ARM_REAPER = [
  ...JOB,
  'if sys.platform.startswith("linux"):',
  '    _scriptdesk_subreaper()',
  '    atexit.register(_scriptdesk_reap, os.getpid(), os, _scriptdesk_drain)',
  '    os._exit = _scriptdesk_exit',
  'elif sys.platform == "win32":',
  '    _scriptdesk_job()',
];
