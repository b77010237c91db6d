import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { stats } from './stats.js';

/**
 * Why the runner keeps Node's raw `spawn` while the Python tools use execa: starting the same
 * short Python process (`python3 -I -c pass`, stdout and stderr piped, as a run's are) through
 * each, alternating, `BENCH_PROCESS_ROUNDS` times (default 60). Printed as medians and the ratio
 * execa / spawn; there is no target, the figure goes in `main/runs/README.md`.
 */
const ROUNDS = Number(process.env.BENCH_PROCESS_ROUNDS ?? 60);
const PYTHON = process.env.SCRIPTDESK_PYTHON ?? 'python3';
const ARGS = ['-I', '-c', 'pass'];

function withSpawn(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ARGS, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

async function withExeca(): Promise<void> {
  await execa(PYTHON, ARGS, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
}

async function time(start: () => Promise<void>): Promise<number> {
  const began = process.hrtime.bigint();
  await start();
  return Number(process.hrtime.bigint() - began) / 1e6;
}

export async function benchProcessStart(): Promise<void> {
  const raw: number[] = [];
  const viaExeca: number[] = [];
  await withSpawn();
  await withExeca();
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so neither always runs on a warmer machine.
    if (round % 2) {
      raw.push(await time(withSpawn));
      viaExeca.push(await time(withExeca));
    } else {
      viaExeca.push(await time(withExeca));
      raw.push(await time(withSpawn));
    }
  }
  const a = stats(raw);
  const b = stats(viaExeca);
  console.log(`process start (${PYTHON} ${ARGS.join(' ')}, ${ROUNDS} alternating rounds)`);
  console.log(`  node spawn  median ${a.median.toFixed(1)} ms  p95 ${a.p95.toFixed(1)} ms`);
  console.log(`  execa       median ${b.median.toFixed(1)} ms  p95 ${b.p95.toFixed(1)} ms`);
  console.log(`  ratio       execa ${(b.median / a.median).toFixed(2)}x node spawn (no target)`);
}
