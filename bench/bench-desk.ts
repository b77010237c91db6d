import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openScriptDeskApp, type ScriptDeskApp } from '../main/app/app.js';
import { generateSigningKey, loadPublicKey } from '../main/catalogue/keys.js';
import { publishCatalogue } from '../main/publishing/publish.js';
import { folderSource } from '../main/catalogue/sources.js';
import { callTyped } from '../main/contract/dispatcher.js';
import { DEFAULT_POLICY } from '../main/policy/policy.js';

/** A benchmark script: its id, its Python source and the properties of its form. */
export interface BenchScript {
  id: string;
  source: string;
  properties: Record<string, unknown>;
}

/**
 * A ScriptDesk home with a signed catalogue of `scripts` synced into it, as a user would have it
 * (default machine policy). `close()` closes the app and removes everything.
 */
export async function benchDesk(scripts: readonly BenchScript[]): Promise<Desk> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-bench-'));
  const src = path.join(root, 'src');
  await mkdir(src, { recursive: true });
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
  for (const script of scripts) {
    const dir = path.join(src, 'scripts', script.id);
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'script.json'),
      JSON.stringify({
        id: script.id,
        title: script.id,
        summary: 'A benchmark script.',
        category: 'Bench',
        version: '1.0.0',
        entrypoint: 'main.py',
        python: '>=3.9',
        timeoutSeconds: 600,
        secrets: [],
        allowed: { users: ['*'], groups: [] },
        destructive: false,
        supportsDryRun: false,
        requireReason: false,
        exitCodes: {},
      }),
    );
    await writeFile(
      path.join(dir, 'form.schema.json'),
      JSON.stringify({
        type: 'object',
        additionalProperties: false,
        properties: script.properties,
      }),
    );
    await writeFile(path.join(dir, 'requirements.lock'), '# nothing\n');
    await writeFile(path.join(dir, 'main.py'), script.source);
  }
  return syncedDesk(root, src);
}

/** The demo catalogue (`examples/catalogue`) signed and synced into a fresh home, like {@link benchDesk}. */
export async function demoDesk(): Promise<Desk> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-bench-'));
  return syncedDesk(root, DEMO_SOURCE);
}

/** The examples' catalogue source. */
export const DEMO_SOURCE = fileURLToPath(new URL('../../examples/catalogue', import.meta.url));

type Desk = { app: ScriptDeskApp; root: string; close: () => Promise<void> };

/** Signs `sourceDir` with a new key under `root` and syncs it into a new home there. */
async function syncedDesk(root: string, sourceDir: string): Promise<Desk> {
  const keys = await generateSigningKey(path.join(root, 'keys'));
  const published = path.join(root, 'published');
  await publishCatalogue({
    sourceDir,
    keyFile: keys.privateKeyFile,
    outDir: published,
    validForMs: 86_400_000,
  });
  const app = await openScriptDeskApp({
    home: path.join(root, 'home'),
    logError: () => {},
    policy: DEFAULT_POLICY,
  });
  await app.services.trust.add(await loadPublicKey(keys.publicKeyFile));
  await app.services.catalogue.sync(folderSource(published));
  return {
    app,
    root,
    close: async () => {
      await app.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a script through the API the UI uses (over the IPC-shaped dispatch) and resolves with the
 * milliseconds from the call to the final status event, the final status and the run's id.
 */
export async function timedRun(
  app: ScriptDeskApp,
  scriptId: string,
  inputs: Record<string, unknown>,
): Promise<{ ms: number; status: string; runId: string }> {
  const started = process.hrtime.bigint();
  let done: (status: string) => void = () => {};
  const finished = new Promise<string>((resolve) => (done = resolve));
  let runId = '';
  const unsubscribe = app.subscribe((e) => {
    if (e.name === 'run.status' && e.payload.runId === runId && e.payload.finishedAt !== null)
      done(e.payload.status);
  });
  const result = await callTyped(
    app.dispatch,
    'run.start',
    { scriptId, inputs },
    { transport: 'ipc' },
  );
  if (!result.ok) throw new Error(result.error.message);
  // The finished event comes from the child's exit, an I/O callback: never before this line.
  runId = result.value.runId;
  const status = await finished;
  unsubscribe();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, status, runId };
}
