import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openScriptDeskApp } from '../main/app/app.js';
import { generateSigningKey, loadPublicKey } from '../main/catalogue/keys.js';
import { publishCatalogue } from '../main/catalogue/publish.js';
import { folderSource } from '../main/catalogue/sources.js';
import { callTyped } from '../main/contract/dispatcher.js';
import { VenvManager } from '../main/python/venvs.js';
import { stats } from './stats.js';

/**
 * How much a ScriptDesk run costs on top of Python's own start: a trivial script run through the
 * same API the UI uses (validate, journal, spawn, capture, finish) against a bare spawn of the
 * same venv interpreter with `-I -c pass`, interleaved in one process on the same machine.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

async function makeCatalogue(root: string): Promise<{ published: string; publicKeyFile: string }> {
  const src = path.join(root, 'src');
  const script = path.join(src, 'scripts', 'noop');
  await mkdir(script, { recursive: true });
  await writeFile(
    path.join(src, 'catalogue.json'),
    JSON.stringify({
      name: 'Bench',
      publisher: 'bench',
      audience: 'bench',
      approvedPackages: {},
      groups: {},
    }),
  );
  await writeFile(
    path.join(script, 'script.json'),
    JSON.stringify({
      id: 'noop',
      title: 'No-op',
      summary: 'Does nothing.',
      category: 'Bench',
      version: '1.0.0',
      entrypoint: 'main.py',
      python: '>=3.9',
      timeoutSeconds: 60,
      secrets: [],
      allowed: { users: ['*'], groups: [] },
      destructive: false,
      supportsDryRun: false,
      requireReason: false,
      exitCodes: {},
    }),
  );
  await writeFile(
    path.join(script, 'form.schema.json'),
    JSON.stringify({
      type: 'object',
      additionalProperties: false,
      properties: { n: { type: 'integer', default: 1 } },
    }),
  );
  await writeFile(path.join(script, 'requirements.lock'), '# nothing\n');
  await writeFile(path.join(script, 'main.py'), 'pass\n');
  const keys = await generateSigningKey(path.join(root, 'keys'));
  const published = path.join(root, 'published');
  await publishCatalogue({
    sourceDir: src,
    keyFile: keys.privateKeyFile,
    outDir: published,
    validForMs: 86_400_000,
  });
  return { published, publicKeyFile: keys.publicKeyFile };
}

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
  const root = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-bench-'));
  const app = await openScriptDeskApp({ home: path.join(root, 'home'), logError: () => {} });
  try {
    const { published, publicKeyFile } = await makeCatalogue(root);
    await app.services.trust.add(await loadPublicKey(publicKeyFile));
    await app.services.catalogue.sync(folderSource(published));
    const runOnce = async (): Promise<number> => {
      const started = process.hrtime.bigint();
      let done: () => void = () => {};
      const finished = new Promise<void>((resolve) => (done = resolve));
      let runId = '';
      const unsubscribe = app.subscribe(
        (e) =>
          e.name === 'run.status' &&
          e.payload.runId === runId &&
          e.payload.finishedAt !== null &&
          done(),
      );
      const result = await callTyped(
        app.dispatch,
        'run.start',
        { scriptId: 'noop', inputs: { n: 1 } },
        { transport: 'ipc' },
      );
      if (!result.ok) throw new Error(result.error.message);
      // The finished event comes from the child's exit, an I/O callback: never before this line.
      runId = result.value.runId;
      await finished;
      unsubscribe();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
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
    console.log(`run overhead (${ROUNDS} interleaved rounds)`);
    console.log(
      `  bare spawn  venv python -I -c pass   median ${b.median.toFixed(1)} ms   p95 ${b.p95.toFixed(1)} ms`,
    );
    console.log(
      `  ScriptDesk  run.start → finished     median ${f.median.toFixed(1)} ms   p95 ${f.p95.toFixed(1)} ms`,
    );
    console.log(
      `  overhead    median ${(f.median - b.median).toFixed(1)} ms   (${(f.median / b.median).toFixed(2)}x the bare spawn)`,
    );
  } finally {
    await app.close();
    await rm(root, { recursive: true, force: true });
  }
}
