import path from 'node:path';
import { z } from 'zod';
import { toolEnvironment } from '../platform/environment.js';
import { HOST_OS } from '../platform/os.js';
import { resolvePythonRuntime } from '../python/runtime.js';
import { runTool, toolFailure } from '../shared/tool-process.js';
import { ARGPARSE_READER } from './argparse-program.js';
import { ImportRefused } from './import-refused.js';

const JsonValue = z.unknown();

const ArgumentSchema = z.object({
  flags: z.array(z.string()).min(1),
  positional: z.boolean(),
  dest: z.unknown(),
  action: z.string().nullable(),
  nargs: z.unknown(),
  type: z.enum(['int', 'float', 'str', 'path', 'filetype']).nullable(),
  mode: z.string().optional(),
  custom: z.string().optional(),
  choices: z.array(JsonValue).nullable(),
  required: z.unknown(),
  help: z.string().nullable(),
  metavar: z.unknown(),
  hidden: z.boolean(),
  line: z.number(),
  group: z.number().nullable(),
  default: JsonValue.optional(),
  const: JsonValue.optional(),
});
/** One `add_argument` call as the reader saw it; `default` is absent when none was readable. */
export type ReadArgument = z.infer<typeof ArgumentSchema>;

const ParserSchema = z.object({
  id: z.number(),
  parent: z.number().nullable(),
  path: z.array(z.string()),
  description: z.unknown(),
  help: z.string().nullable(),
  arguments: z.array(ArgumentSchema),
  groups: z.array(z.object({ required: z.boolean(), line: z.number() })),
  subcommands: z.array(z.string()).nullable(),
  line: z.number(),
});
/** One parser: the root (path []) or a sub-command (path ["export"]). */
export type ReadParser = z.infer<typeof ParserSchema>;

const ReportSchema = z.union([
  z.object({
    parsers: z.array(ParserSchema).min(1),
    todos: z.array(z.object({ line: z.number().nullable(), text: z.string() })),
    imports: z.array(z.string()),
  }),
  z.object({
    error: z.object({
      kind: z.enum(['binary', 'syntax', 'no-argparse', 'too-deep']),
      detail: z.string(),
      line: z.number().nullable(),
    }),
  }),
]);

/** What the static reading of a script found. */
export interface ArgparseReading {
  parsers: ReadParser[];
  todos: { line: number | null; text: string }[];
  imports: string[];
}

/** The most stdout the reader may print (a large parser is a few hundred KB). */
const MAX_OUTPUT = 16 * 1024 * 1024;
const TIME_LIMIT_MS = 60_000;

/**
 * Reads the argparse setup of `file` (its bytes) without importing or running it: the reader
 * program runs in `python3 -I` and gets the bytes on stdin. A file that is not Python, does not
 * parse or builds no parser is refused with a line naming the file and the fix.
 */
export async function readArgparse(file: string, bytes: Buffer): Promise<ArgparseReading> {
  const runtime = await resolvePythonRuntime({ requirePip: false }).catch((error: Error) => {
    throw new ImportRefused(`cannot read ${file}: ${error.message}`);
  });
  const stdout = await runReader(runtime.executable, path.basename(file), bytes).catch(
    (error: Error) => {
      throw new ImportRefused(`cannot read ${file}: the Python reader ${error.message}`);
    },
  );
  let report: z.infer<typeof ReportSchema>;
  try {
    report = ReportSchema.parse(JSON.parse(stdout));
  } catch {
    throw new ImportRefused(
      `cannot read ${file}: the Python reader printed something other than its report; check the Python ScriptDesk uses (SCRIPTDESK_PYTHON or python3)`,
    );
  }
  if ('error' in report) {
    const { kind, detail, line } = report.error;
    if (kind === 'syntax')
      throw new ImportRefused(
        `${file}: line ${line ?? '?'}: Python syntax error (${detail}); fix the script (python3 -m py_compile ${file} shows it) and import again`,
      );
    if (kind === 'binary')
      throw new ImportRefused(
        `${file}: is not Python source (${detail}); give the script's .py file`,
      );
    if (kind === 'too-deep')
      throw new ImportRefused(
        `${file}: ${detail}; write script.json and the form by hand for this script`,
      );
    throw new ImportRefused(
      `${file}: ${detail}, so there is no command line to import; import a script that builds its arguments with argparse, or write script.json and the form by hand`,
    );
  }
  return report;
}

/**
 * Runs the reader (`runTool`): the script's bytes on stdin, its report on stdout (at most
 * 16 MiB), a time limit, no shell; on POSIX in a group of its own, ended whole if it overruns.
 */
async function runReader(executable: string, name: string, bytes: Buffer): Promise<string> {
  const exit = await runTool(executable, ['-I', '-c', ARGPARSE_READER, name], {
    input: bytes,
    env: toolEnvironment(HOST_OS, process.env),
    timeoutMs: TIME_LIMIT_MS,
    maxStdoutBytes: MAX_OUTPUT,
  });
  if (exit.stopped === 'output-limit') throw new Error('printed more than 16 MiB');
  const failure = toolFailure(exit, TIME_LIMIT_MS);
  if (failure === null) return exit.stdout;
  const reason = exit.stderr.trim().split('\n').at(-1) ?? '';
  throw new Error(
    exit.code === null || exit.stopped ? failure : `failed (exit ${exit.code}): ${reason}`,
  );
}
