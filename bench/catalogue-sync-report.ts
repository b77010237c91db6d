import type { RequestCounts } from './request-tally.js';
import type { Blob, StoreThroughput } from './store-throughput.js';

/** The acceptance target for a sync when nothing was published since the last one. */
export const NO_CHANGE_TARGET_MS = 50;

/** Medians of full syncs into fresh homes and of plain fetches of every blob. */
export interface FullSyncFigures extends RequestCounts {
  rounds: number;
  parallelism: number;
  blobsFetched: number;
  syncMs: number;
  sequentialMs: number;
  parallelMs: number;
}

export interface NoChangeFigures {
  syncs: number;
  medianMs: number;
  p95Ms: number;
  /** Every distinct request count a sync made (one value, 1, when all is well). */
  requestsPerSync: number[];
  conditionalGetMs: number;
}

/** Per round: blobs the sync reported, blob GETs the server saw, all requests; then medians. */
export interface OneChangeFigures {
  rounds: number;
  blobsFetched: number[];
  blobGets: number[];
  requests: number[];
  syncMs: number;
  fetchMs: number;
  publishMs: number;
}

export function printHeading(run: {
  scripts: number;
  blobs: readonly Blob[];
  url: string;
  setupMs: number;
}): void {
  console.log(
    `catalogue sync: ${run.scripts} scripts, ${run.blobs.length} blobs (${mb(totalBytes(run.blobs))}) from ${run.url}, generated and published in ${ms(run.setupMs)}`,
  );
}

export function printFullSync(f: FullSyncFigures): void {
  line(
    'full sync, fresh home',
    `median ${ms(f.syncMs)}   ${f.blobsFetched} blobs fetched, ${mb(f.bytes)}, ${f.requests} requests   (${f.rounds} rounds)`,
  );
  line(
    '  vs fetch of every blob',
    `1 at a time ${ms(f.sequentialMs)} → sync ${ratio(f.syncMs, f.sequentialMs)};  ${f.parallelism} at a time ${ms(f.parallelMs)} → sync ${ratio(f.syncMs, f.parallelMs)}`,
  );
}

export function printNoChange(f: NoChangeFigures): void {
  line(
    'no-change sync',
    `median ${ms(f.medianMs)}  p95 ${ms(f.p95Ms)}   ${f.requestsPerSync.join('/')} request(s) per sync   (${f.syncs} syncs)`,
  );
  line(
    '  vs conditional GET → 304',
    `median ${ms(f.conditionalGetMs)} → sync ${ratio(f.medianMs, f.conditionalGetMs)}`,
  );
  line(
    '  target',
    `median < ${NO_CHANGE_TARGET_MS} ms: ${metOrNot(f.medianMs < NO_CHANGE_TARGET_MS)}`,
  );
}

export function printOneChange(f: OneChangeFigures): void {
  const onlyOne = f.blobsFetched.every((n) => n === 1) && f.blobGets.every((n) => n === 1);
  line(
    'one changed script',
    `median ${ms(f.syncMs)}   blobs fetched ${f.blobsFetched.join('/')}, blob GETs ${f.blobGets.join('/')}, requests ${f.requests.join('/')}   (${f.rounds} rounds)`,
  );
  line(
    '  vs fetch of .json+.sig+blob',
    `median ${ms(f.fetchMs)} → sync ${ratio(f.syncMs, f.fetchMs)}   (republishing took ${ms(f.publishMs)})`,
  );
  line('  target', `fetches only its 1 changed blob: ${metOrNot(onlyOne)}`);
}

export function printStore(s: StoreThroughput, blobs: readonly Blob[], rounds: number): void {
  const bytes = totalBytes(blobs);
  const rate = (millis: number) => {
    const perSecond = bytes / 1e6 / (millis / 1000);
    return `${perSecond.toFixed(perSecond < 10 ? 1 : 0)} MB/s`.padStart(10);
  };
  line(
    'content store',
    `${blobs.length} blobs, ${mb(bytes)}, one at a time, median of ${rounds} rounds:`,
  );
  line('  sha256 in memory', `${rate(s.sha256)}   baseline`);
  line('  writeFile, no fsync', `${rate(s.writeFile)}`);
  line('  write + fsync', `${rate(s.writeFsync)}`);
  line(
    '  ContentStore.putStream',
    `${rate(s.putStream)}   ${ratio(s.sha256, s.putStream)} of sha256; hashing is ${percent(s.sha256, s.putStream)} of its time, write + fsync ${percent(s.writeFsync, s.putStream)}`,
  );
}

function line(label: string, figures: string): void {
  console.log(`  ${label.padEnd(32)}${figures}`);
}

function totalBytes(blobs: readonly Blob[]): number {
  return blobs.reduce((sum, blob) => sum + blob.bytes.length, 0);
}

function ms(millis: number): string {
  return `${millis.toFixed(millis < 100 ? 1 : 0)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** How many times `baseline` the measured figure is (two significant digits below 0.1). */
function ratio(measured: number, baseline: number): string {
  const r = measured / baseline;
  return `${r < 0.1 ? r.toPrecision(2) : r.toFixed(2)}x`;
}

function percent(part: number, whole: number): string {
  const p = (part / whole) * 100;
  return `${p.toFixed(p < 10 ? 1 : 0)}%`;
}

function metOrNot(met: boolean): string {
  return met ? 'met' : 'NOT met';
}
