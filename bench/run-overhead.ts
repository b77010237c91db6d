import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { VenvManager } from '../main/python/venvs.js';
import { benchDesk, timedRun } from './bench-desk.js';
import { stats } from './stats.js';

/**
 * How much a ScriptDesk run costs on top of Python's own start: a trivial script run through the
 * same API the UI uses (validate, journal, spawn, capture, finish) against a bare spawn of the
 * same venv interpreter with `-I -c pass`, interleaved in one process on the same machine.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);

function bareSpawn(executable: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ['-I', '-c', 'pass'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/bin:/bin' },
    });
    child.once('error', reject);
    child.once('close', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
}

export async function benchRunOverhead(): Promise<void> {
  const desk = await benchDesk([
    { id: 'noop', source: 'pass\n', properties: { n: { type: 'integer', default: 1 } } },
  ]);
  const { app } = desk;
  try {
    const runOnce = async () => (await timedRun(app, 'noop', { n: 1 })).ms;
    await runOnce(); // builds the venv; not measured
    const [venv] = await readdir(app.services.paths.venvs);
    const interpreter = VenvManager.interpreter(path.join(app.services.paths.venvs, venv!));
    await bareSpawn(interpreter);
    const bare: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await bareSpawn(interpreter));
      full.push(await runOnce());
    }
    const b = stats(bare);
    const f = stats(full);
    // Each round's run minus the bare spawn just before it: the machine's drift (seconds long
    // here) cancels within a round, where a difference of two medians keeps it.
    const paired = stats(full.map((ms, i) => ms - bare[i]!));
    console.log(`run overhead (${ROUNDS} interleaved rounds)`);
    console.log(
      `  bare spawn  venv python -I -c pass   median ${b.median.toFixed(1)} ms   p95 ${b.p95.toFixed(1)} ms`,
    );
    console.log(
      `  ScriptDesk  run.start → finished     median ${f.median.toFixed(1)} ms   p95 ${f.p95.toFixed(1)} ms`,
    );
    console.log(
      `  overhead    median ${(f.median - b.median).toFixed(1)} ms   (${(f.median / b.median).toFixed(2)}x the bare spawn; target under 10 ms: ${f.median - b.median < 10 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  paired      median of each round's difference ${paired.median.toFixed(1)} ms   p95 ${paired.p95.toFixed(1)} ms`,
    );
  } finally {
    await desk.close();
  }
}
