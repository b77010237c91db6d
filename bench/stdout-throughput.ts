import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VenvManager } from '../main/python/venvs.js';
import { interpreterArgs, RELEASE } from '../main/runs/bootstrap.js';
import { benchDesk, timedRun } from './bench-desk.js';
import { stats } from './stats.js';

/**
 * What capturing output costs a chatty script: it prints 50 MB as 100-byte lines with print().
 * Through the runner, every line is read from the pipe, split, scanned for progress, written to
 * the run's log file and offered (bounded) to windows. The baseline the target is judged on is the
 * same script started the same way (same interpreter, flags and output bootstrap) but bare, with
 * its stdout on /dev/null. A second baseline runs it through ScriptDesk printing into /dev/null
 * itself, so the run's fixed costs cancel out and only capturing the output remains. Interleaved.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS_STDOUT ?? 31);
const MEGABYTES = Number(process.env.BENCH_STDOUT_MB ?? 50);

const PRINTER = `import json, os, sys
inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"]))
if inputs.get("devnull"):
    # The same prints into /dev/null, with the buffer the runner gives stdout.
    sys.stdout = open(os.devnull, "w", buffering=1 << 16)
line = "x" * 99
for _ in range(inputs["megabytes"] * 10_000):
    print(line)
`;

function toDevNull(interpreter: string, script: string, inputsFile: string): Promise<number> {
  const started = process.hrtime.bigint();
  const devNull = openSync('/dev/null', 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(interpreter, interpreterArgs(script, []), {
      stdio: ['pipe', devNull, 'ignore'],
      env: { PATH: '/usr/bin:/bin', SCRIPTDESK_INPUTS: inputsFile },
    });
    closeSync(devNull);
    child.stdin!.end(RELEASE); // through the bootstrap's gate at once
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
        : reject(new Error(`the printer exited with ${code}`)),
    );
  });
}

export async function benchStdoutThroughput(): Promise<void> {
  const desk = await benchDesk([
    {
      id: 'printer',
      source: PRINTER,
      properties: {
        megabytes: { type: 'integer', minimum: 1, maximum: 1000 },
        devnull: { type: 'boolean' },
      },
    },
  ]);
  const { app } = desk;
  try {
    const warm = await timedRun(app, 'printer', { megabytes: 1 }); // builds the venv
    if (warm.status !== 'succeeded') throw new Error(`the printer ended ${warm.status}`);
    const venvs = app.services.paths.venvs;
    const [venv] = (await readdir(venvs, { withFileTypes: true })).filter(
      (e) => e.isDirectory() && !e.name.includes('.'),
    );
    const interpreter = VenvManager.interpreter(path.join(venvs, venv!.name));
    const entry = await findEntry(app.services.paths.scripts);
    const inputsFile = path.join(desk.root, 'baseline-inputs.json');
    await writeFile(inputsFile, JSON.stringify({ megabytes: MEGABYTES }));

    const bare: number[] = [];
    const quiet: number[] = [];
    const full: number[] = [];
    const through = async (inputs: Record<string, unknown>) => {
      const run = await timedRun(app, 'printer', inputs);
      if (run.status !== 'succeeded') throw new Error(`the printer ended ${run.status}`);
      return run.ms;
    };
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await toDevNull(interpreter, entry, inputsFile));
      quiet.push(await through({ megabytes: MEGABYTES, devnull: true }));
      full.push(await through({ megabytes: MEGABYTES }));
    }
    const b = stats(bare);
    const q = stats(quiet);
    const f = stats(full);
    const rate = (ms: number) => (MEGABYTES / (ms / 1000)).toFixed(0);
    const line = (label: string, s: { median: number; p95: number }) =>
      console.log(
        `  ${label.padEnd(34)} median ${s.median.toFixed(0)} ms (${rate(s.median)} MB/s)   p95 ${s.p95.toFixed(0)} ms`,
      );
    console.log(
      `stdout throughput (${MEGABYTES} MB in 100-byte lines, ${ROUNDS} interleaved rounds)`,
    );
    line('bare spawn, stdout on /dev/null', b);
    line('run by ScriptDesk, prints to /dev/null', q);
    line('run by ScriptDesk, output captured', f);
    const share = (b.median / f.median) * 100;
    console.log(
      `  captured vs bare /dev/null         ${share.toFixed(0)}% (target at least 80%: ${share >= 80 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  captured vs /dev/null, both run by ScriptDesk   ${((q.median / f.median) * 100).toFixed(0)}% (what capturing the output costs alone)`,
    );
  } finally {
    await desk.close();
  }
}

/** The printer's main.py in the installed scripts folder. */
async function findEntry(scriptsDir: string): Promise<string> {
  const entries = await readdir(scriptsDir, { withFileTypes: true, recursive: true });
  const main = entries.find((e) => e.isFile() && e.name === 'main.py');
  if (!main) throw new Error(`no main.py under ${scriptsDir}`);
  return path.join(main.parentPath, main.name);
}
