import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openScriptDeskApp, type ScriptDeskApp } from '../main/app/app.js';
import { loadPublicKey } from '../main/catalogue/keys.js';
import { httpSource } from '../main/catalogue/sources.js';
import type { SyncOutcome } from '../main/catalogue/sync.js';
import { startServer, type CatalogueServer } from '../main/server/server.js';
import {
  printFullSync,
  printHeading,
  printNoChange,
  printOneChange,
  printStore,
  type FullSyncFigures,
  type NoChangeFigures,
  type OneChangeFigures,
} from './catalogue-sync-report.js';
import {
  editEntrypoint,
  generateCatalogue,
  publish,
  type GeneratedCatalogue,
} from './generated-catalogue.js';
import { RequestTally, type RequestCounts } from './request-tally.js';
import { stats, timed } from './stats.js';
import { measureStoreThroughput, type Blob } from './store-throughput.js';

/**
 * What keeping a device's catalogue current costs: a generated catalogue served by `startServer`
 * on 127.0.0.1 and synced through the app's own catalogue service, each phase next to a plain
 * `fetch` of the same bytes in the same run; and the content store's verified write next to plain
 * hashing and plain writes of the same blobs.
 */
const SCRIPTS = Number(process.env.BENCH_SCRIPTS ?? 1000);
/** No-change syncs measured, each interleaved with a bare conditional GET. */
const NO_CHANGE_SYNCS = Number(process.env.BENCH_SYNCS ?? 20);
/** Full syncs into fresh homes, one-changed-script syncs, and store passes. */
const ROUNDS = Number(process.env.BENCH_SYNC_ROUNDS ?? 3);
/** How many blobs a sync downloads at once (PARALLEL_DOWNLOADS in main/catalogue/sync.ts). */
const SYNC_PARALLELISM = 8;

/** What every phase needs: the server, its request counts and the published bytes. */
interface Bench {
  url: string;
  tally: RequestTally;
  catalogue: GeneratedCatalogue;
  blobs: Blob[];
  /** A new app in a fresh home that trusts the catalogue key; closed at the end. */
  openHome(name: string): Promise<ScriptDeskApp>;
}

export async function benchCatalogueSync(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-bench-sync-'));
  const tally = new RequestTally();
  const apps: ScriptDeskApp[] = [];
  let server: CatalogueServer | undefined;
  try {
    const generated = await timed(() => generateCatalogue(root, SCRIPTS));
    const catalogue = generated.value;
    server = await startServer({ root: catalogue.publishedDir, verbose: true, log: tally.log });
    const key = await loadPublicKey(catalogue.publicKeyFile);
    const bench: Bench = {
      url: server.url,
      tally,
      catalogue,
      blobs: await readPublishedBlobs(catalogue.publishedDir),
      async openHome(name) {
        const app = await openScriptDeskApp({ home: path.join(root, name), logError: () => {} });
        apps.push(app);
        await app.services.trust.add(key);
        return app;
      },
    };
    printHeading({ scripts: SCRIPTS, blobs: bench.blobs, url: bench.url, setupMs: generated.ms });
    const { figures, app } = await measureFullSync(bench);
    printFullSync(figures);
    printNoChange(await measureNoChange(bench, app));
    printOneChange(await measureOneChange(bench, app));
    const store = await measureStoreThroughput(bench.blobs, path.join(root, 'scratch'), ROUNDS);
    printStore(store, bench.blobs, ROUNDS);
  } finally {
    for (const app of apps) await app.close();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Full syncs into fresh homes, interleaved with fetching every blob one by one and 8 at a time. */
async function measureFullSync(
  bench: Bench,
): Promise<{ figures: FullSyncFigures; app: ScriptDeskApp }> {
  const samples = { sync: [] as number[], sequential: [] as number[], parallel: [] as number[] };
  let app: ScriptDeskApp | undefined;
  let last: Pick<FullSyncFigures, 'blobsFetched' | keyof RequestCounts> | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    samples.sequential.push((await timed(() => fetchBlobs(bench.url, bench.blobs, 1))).ms);
    samples.parallel.push(
      (await timed(() => fetchBlobs(bench.url, bench.blobs, SYNC_PARALLELISM))).ms,
    );
    app = await bench.openHome(`home-${round}`);
    await bench.tally.take();
    const synced = await timed(() => syncFrom(app!, bench.url));
    const counts = await bench.tally.take();
    samples.sync.push(synced.ms);
    last = { blobsFetched: expectUpdated(synced.value).blobsFetched, ...counts };
  }
  return {
    app: app!,
    figures: {
      ...last!,
      rounds: ROUNDS,
      parallelism: SYNC_PARALLELISM,
      syncMs: stats(samples.sync).median,
      sequentialMs: stats(samples.sequential).median,
      parallelMs: stats(samples.parallel).median,
    },
  };
}

/** Syncs with nothing published since, interleaved with a bare conditional GET of catalogue.json. */
async function measureNoChange(bench: Bench, app: ScriptDeskApp): Promise<NoChangeFigures> {
  const etag = (await fetch(`${bench.url}/catalogue.json`).then(drain)).headers.get('etag') ?? '';
  const samples = { sync: [] as number[], get: [] as number[] };
  const requestsPerSync = new Set<number>();
  for (let i = 0; i < NO_CHANGE_SYNCS; i++) {
    samples.get.push((await timed(() => conditionalGet(bench.url, etag))).ms);
    await bench.tally.take();
    const synced = await timed(() => syncFrom(app, bench.url));
    requestsPerSync.add((await bench.tally.take()).requests);
    if (synced.value.kind !== 'unchanged')
      throw new Error(`a sync with nothing published was "${synced.value.kind}"`);
    samples.sync.push(synced.ms);
  }
  const sync = stats(samples.sync);
  return {
    syncs: NO_CHANGE_SYNCS,
    medianMs: sync.median,
    p95Ms: sync.p95,
    requestsPerSync: [...requestsPerSync],
    conditionalGetMs: stats(samples.get).median,
  };
}

/** Edits one script's main.py and republishes, then syncs, next to fetching just what changed. */
async function measureOneChange(bench: Bench, app: ScriptDeskApp): Promise<OneChangeFigures> {
  const { catalogue, url } = bench;
  const samples = { sync: [] as number[], get: [] as number[], publish: [] as number[] };
  const figures = {
    blobsFetched: [] as number[],
    blobGets: [] as number[],
    requests: [] as number[],
  };
  for (let round = 0; round < ROUNDS; round++) {
    const id = catalogue.scriptIds[(round * 397 + 101) % catalogue.scriptIds.length]!;
    await editEntrypoint(catalogue, id, round);
    samples.publish.push((await timed(() => publish(catalogue))).ms);
    const mainPy = await readFile(path.join(catalogue.sourceDir, 'scripts', id, 'main.py'));
    const changedBlob = createHash('sha256').update(mainPy).digest('hex');
    const fetchChanged = () =>
      Promise.all(
        ['catalogue.json', 'catalogue.sig', `blobs/sha256/${changedBlob}`].map((name) =>
          fetch(`${url}/${name}`).then(drain),
        ),
      );
    // Alternate which goes first: the first read after a publish hashes catalogue.json for its ETag.
    if (round % 2 === 0) samples.get.push((await timed(fetchChanged)).ms);
    await bench.tally.take();
    const synced = await timed(() => syncFrom(app, url));
    const counts = await bench.tally.take();
    if (round % 2 === 1) samples.get.push((await timed(fetchChanged)).ms);
    samples.sync.push(synced.ms);
    figures.blobsFetched.push(expectUpdated(synced.value).blobsFetched);
    figures.blobGets.push(counts.blobs);
    figures.requests.push(counts.requests);
  }
  return {
    ...figures,
    rounds: ROUNDS,
    syncMs: stats(samples.sync).median,
    fetchMs: stats(samples.get).median,
    publishMs: stats(samples.publish).median,
  };
}

function syncFrom(app: ScriptDeskApp, url: string): Promise<SyncOutcome> {
  return app.services.catalogue.sync(httpSource(url));
}

function expectUpdated(outcome: SyncOutcome): Extract<SyncOutcome, { kind: 'updated' }> {
  if (outcome.kind !== 'updated') throw new Error('a sync after a publish installed nothing');
  return outcome;
}

async function readPublishedBlobs(publishedDir: string): Promise<Blob[]> {
  const dir = path.join(publishedDir, 'blobs', 'sha256');
  const names = (await readdir(dir)).sort();
  return Promise.all(
    names.map(async (sha256) => ({ sha256, bytes: await readFile(path.join(dir, sha256)) })),
  );
}

/** GETs every blob with plain `fetch`, `parallel` at a time, reading each body to the end. */
async function fetchBlobs(url: string, blobs: readonly Blob[], parallel: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < blobs.length)
      await fetch(`${url}/blobs/sha256/${blobs[next++]!.sha256}`).then(drain);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

async function conditionalGet(url: string, etag: string): Promise<void> {
  const response = await fetch(`${url}/catalogue.json`, {
    headers: { 'if-none-match': etag, 'cache-control': 'no-cache' },
  });
  await response.arrayBuffer();
  if (response.status !== 304) throw new Error(`a conditional GET answered ${response.status}`);
}

async function drain(response: Response): Promise<Response> {
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${response.url} answered ${response.status}`);
  return response;
}
