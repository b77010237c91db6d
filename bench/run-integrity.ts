import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CatalogueService } from '../main/catalogue/catalogue-service.js';
import { resolvePythonRuntime } from '../main/python/runtime.js';
import { ScriptEnvironments } from '../main/python/script-environments.js';
import { VenvManager } from '../main/python/venvs.js';
import { RunIntegrity } from '../main/runs/script-integrity.js';
import { sha256Hex } from '../main/shared/hashing.js';
import { stats } from './stats.js';
import { demoDesk } from './bench-desk.js';

/**
 * What "verify before every run" costs: the check the runner makes before it starts a demo
 * script's interpreter (its folder against the signed catalogue, its venv against the manifest),
 * against the least any check could cost, reading the entry point and hashing it, interleaved in
 * one process. `BENCH_INTEGRITY_ROUNDS` sets the rounds (default 200).
 */
const ROUNDS = Number(process.env.BENCH_INTEGRITY_ROUNDS ?? 200);
const TARGET_MS = 2;

export async function benchRunIntegrity(): Promise<void> {
  const desk = await demoDesk();
  const { app } = desk;
  try {
    const { paths, catalogue, identity } = app.services;
    const runtime = await resolvePythonRuntime();
    const venvs = new VenvManager(paths.venvs, { manifestsDir: paths.venvManifests });
    const integrity = new RunIntegrity({ home: paths.home, venvs });

    const scripts = [];
    for (const { id } of await catalogue.listFor(identity.user)) {
      const script = await catalogue.resolve(id, identity.user);
      const spec = ScriptEnvironments.specOf(
        { python: script.manifest.python, lockText: script.lockText, wheels: script.wheels },
        runtime,
      );
      const lease = await venvs.lease(spec); // builds the venv; not measured
      const environment = { runtime, venvDir: lease.dir };
      await integrity.verify(script, environment);
      const manifest = JSON.parse(
        await readFile(path.join(paths.venvManifests, `${path.basename(lease.dir)}.json`), 'utf8'),
      ) as { entries: unknown[] };
      scripts.push({ id, script, environment, lease, venvEntries: manifest.entries.length });
    }

    const check: number[][] = scripts.map(() => []);
    const plain: number[][] = scripts.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, { script, environment }] of scripts.entries()) {
        const ways = [
          async () => check[index]!.push(await msOf(() => integrity.verify(script, environment))),
          async () =>
            plain[index]!.push(
              await msOf(async () =>
                sha256Hex(await readFile(CatalogueService.entrypoint(script))),
              ),
            ),
        ];
        if (round % 2) ways.reverse();
        for (const way of ways) await way();
      }
    }

    console.log(`verify before every run (demo catalogue, ${ROUNDS} interleaved rounds)`);
    const width = Math.max(...scripts.map((s) => s.id.length));
    let slowest = 0;
    for (const [index, { id, script, venvEntries }] of scripts.entries()) {
      const c = stats(check[index]!);
      const p = stats(plain[index]!);
      slowest = Math.max(slowest, c.median);
      console.log(
        `  ${id.padEnd(width)}  ${script.published.files.length} files + venv of ${venvEntries} entries   check median ${c.median.toFixed(2)} ms  p95 ${c.p95.toFixed(2)} ms   read + sha256 of the entry point ${p.median.toFixed(3)} ms`,
      );
    }
    console.log(
      `  target  every script's check under ${TARGET_MS} ms (median): ${slowest < TARGET_MS ? 'met' : 'NOT met'} (slowest ${slowest.toFixed(2)} ms)`,
    );
    for (const { lease } of scripts) lease.release();
  } finally {
    await desk.close();
  }
}

async function msOf(task: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - started) / 1e6;
}
