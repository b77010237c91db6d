import { pathsOf, type OsName } from './os.js';

/** Where a venv keeps its interpreter: `Scripts\python.exe` on Windows, `bin/python` elsewhere. */
export function venvInterpreter(os: OsName, venvDir: string): string {
  return os === 'win32'
    ? pathsOf(os).join(venvDir, 'Scripts', 'python.exe')
    : pathsOf(os).join(venvDir, 'bin', 'python');
}

/**
 * How a script's stdout and stderr become UTF-8 on every OS: `-X utf8` (Python's UTF-8 mode).
 * Under `-I` Python ignores every `PYTHON*` variable, `PYTHONIOENCODING` included, so the
 * interpreter argument is the one setting that holds; without it a Windows console code page
 * (cp1252, cp437) would turn "é" into bytes the log cannot read.
 */
export const UTF8_MODE_ARGS: readonly string[] = ['-X', 'utf8'];

/**
 * The Python found on PATH when neither the machine policy nor `SCRIPTDESK_PYTHON` names one:
 * `python3` on macOS and Linux; on Windows the Python launcher `py -3`, because `python3` there is
 * usually the Microsoft Store's placeholder, which opens the Store instead of running Python.
 */
export function pythonOnPath(os: OsName): {
  command: string;
  args: readonly string[];
  name: string;
} {
  return os === 'win32'
    ? { command: 'py', args: ['-3'], name: 'py -3 (the Python launcher)' }
    : { command: 'python3', args: [], name: 'python3 on PATH' };
}

/**
 * The interpreter of the Python the desktop package carries under its resources folder
 * (`resources/python/`, a relocatable python-build-standalone build; see
 * `build/fetch-python.mjs`): `python\python.exe` on Windows, `python/bin/python3` elsewhere.
 */
export function bundledInterpreter(os: OsName, resourcesDir: string): string {
  return os === 'win32'
    ? pathsOf(os).join(resourcesDir, 'python', 'python.exe')
    : pathsOf(os).join(resourcesDir, 'python', 'bin', 'python3');
}
