import { performance } from 'node:perf_hooks';

/** The `qs` quantiles of some samples (nearest rank; fine for tens of samples). */
export function quantiles(samples: readonly number[], ...qs: number[]): number[] {
  const sorted = [...samples].sort((a, b) => a - b);
  return qs.map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
}

/** The median and 95th percentile of some timings. */
export function stats(samples: readonly number[]): { median: number; p95: number } {
  const [median, p95] = quantiles(samples, 0.5, 0.95);
  return { median: median!, p95: p95! };
}

/** Runs `task` and returns its result with the milliseconds it took. */
export async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await task();
  return { ms: performance.now() - started, value };
}
