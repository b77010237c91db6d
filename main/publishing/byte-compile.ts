import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { toolEnvironment as platformToolEnvironment } from '../platform/environment.js';
import { HOST_OS } from '../platform/os.js';
import { runTool, toolFailure } from '../shared/tool-process.js';
import type { SourceProblem } from './source-problems.js';

/** Folders and files a script folder may hold that are never Python of the script. */
const SKIPPED = new Set(['__pycache__']);

/**
 * Compiles each file named on stdin (one JSON list) with `compile()`, writing no `.pyc`, and
 * prints one JSON list of what failed: a syntax error with its line and column, a NUL byte, a
 * file that is not UTF-8 (or its declared encoding).
 */
const COMPILE_ALL = `
import json, sys
problems = []
for name in json.load(sys.stdin):
    try:
        with open(name, "rb") as handle:
            compile(handle.read(), name, "exec", dont_inherit=True)
    except SyntaxError as error:
        problems.append({"file": name, "line": error.lineno, "column": error.offset, "message": error.msg})
    except (ValueError, UnicodeDecodeError, OSError) as error:
        problems.append({"file": name, "line": None, "column": None, "message": str(error)})
print(json.dumps(problems))
`;

interface CompileProblem {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
}

/** The environment build-time Python gets: nothing of the admin's beyond a neutral PATH and locale. */
export function toolEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return { ...platformToolEnvironment(HOST_OS, process.env), ...extra };
}

/** Every `.py` file under `dir` (its `tests/` included), skipping hidden entries and caches. */
export async function pythonFilesOf(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.endsWith('.py')) found.push(full);
    }
  };
  await walk(dir);
  return found.sort();
}

/**
 * Byte-compiles `files` with `python` (one process for all of them, `-I -B`: isolated, no
 * `.pyc` written into the source) and returns one problem per file that does not compile, as
 * "line N, column C: message", so the admin sees every syntax error of the source at once.
 */
export async function byteCompile(
  python: string,
  files: readonly string[],
): Promise<SourceProblem[]> {
  if (files.length === 0) return [];
  const timeoutMs = 120_000;
  const result = await runTool(python, ['-I', '-B', '-c', COMPILE_ALL], {
    env: toolEnvironment(),
    timeoutMs,
    input: JSON.stringify(files),
  });
  const failure = toolFailure(result, timeoutMs);
  if (failure !== null)
    throw new Error(
      `byte-compiling the scripts with ${python} failed (it ${failure}): ${lastLine(result.output)}`,
    );
  const problems = JSON.parse(result.stdout) as CompileProblem[];
  return problems.map((problem) => ({
    file: problem.file,
    detail: `${
      problem.line === null
        ? ''
        : `line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}: `
    }does not compile: ${problem.message}; fix the Python syntax`,
  }));
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.slice(0, 300) ?? '';
}
