import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { appWithCatalogue, REPO } from './catalogue.js';
import { waitFor } from './runs.js';
import { tempDir } from './temp.js';

const exec = promisify(execFile);

/** The real `scriptdesk` command (built into dist/ by `npm run build`). */
export const BIN = path.join(REPO, 'bin', 'scriptdesk.js');

/** What a test may add to a `scriptdesk` run: text piped to its stdin, environment overrides. */
export interface CliOptions {
  /** Written to stdin, which is then closed (a pipe, not a terminal). */
  stdin?: string;
  env?: Record<string, string>;
}

/** Runs `scriptdesk` with its own home and returns its exit code and output. */
export async function scriptdesk(
  home: string,
  args: string[],
  options?: CliOptions,
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (options) return scriptdeskWith(home, args, options);
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      env: { ...process.env, SCRIPTDESK_HOME: home },
      cwd: REPO,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Runs `scriptdesk` under a python3 that, once it has exited, reads the kernel's record of its
 * peak resident memory (`getrusage(RUSAGE_CHILDREN).ru_maxrss`, in KiB): exact, and no race with
 * the process's exit as sampling `/proc/<pid>/status` would be.
 */
export async function scriptdeskPeakMemory(
  home: string,
  args: string[],
  options: CliOptions = {},
): Promise<{ code: number; stdout: string; stderr: string; peakKiB: number }> {
  const report = path.join(home, `peak-memory-${randomUUID()}.txt`);
  const measure = [
    'import resource, subprocess, sys',
    'code = subprocess.call(sys.argv[2:])',
    'open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))',
    'sys.exit(code)',
  ].join('\n');
  const result = await scriptdeskWith(home, args, options, ['python3', '-c', measure, report]);
  const peakKiB = Number(await readFile(report, 'utf8'));
  await rm(report);
  return { ...result, peakKiB };
}

/**
 * `scriptdesk` with stdin and environment overrides (execFile cannot write to stdin), started
 * through `wrapper` (a command and its arguments, before node's) when one is given.
 */
function scriptdeskWith(
  home: string,
  args: string[],
  options: CliOptions,
  wrapper: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [command, ...prefix] = [...wrapper, process.execPath];
    const child = spawn(command!, [...prefix, BIN, ...args], {
      env: { ...process.env, ...options.env, SCRIPTDESK_HOME: home },
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => {}); // a command that exits without reading stdin
    child.stdin.end(options.stdin ?? '');
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }),
    );
  });
}

/**
 * A home with the fixture catalogue synced and `scriptdesk run probe` going in it as a process of
 * its own, returned once the probe has written a `<marker>-<runId>` file into `markers`. The
 * caller ends `cli` (register its kill as a clean-up).
 */
export async function cliProbeRun(inputs: Record<string, unknown>, marker: string) {
  const synced = await appWithCatalogue();
  await synced.app.close();
  const markers = await tempDir('scriptdesk-marker-');
  const inputsFile = path.join(await tempDir('scriptdesk-inputs-'), 'inputs.json');
  await writeFile(inputsFile, JSON.stringify({ ...inputs, markerDir: markers }));
  const cli = spawn(process.execPath, [BIN, 'run', 'probe', '--inputs', inputsFile], {
    env: { ...process.env, SCRIPTDESK_HOME: synced.home },
    cwd: REPO,
    stdio: 'ignore',
  });
  await waitFor(
    async () => (await readdir(markers)).some((n) => n.startsWith(`${marker}-`)),
    `the probe to write its ${marker} marker`,
  );
  const runId = (await readdir(markers))
    .find((n) => n.startsWith('started-'))!
    .slice('started-'.length);
  return { home: synced.home, cli, markers, runId };
}
