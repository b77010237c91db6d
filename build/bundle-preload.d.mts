/** Writes the preload bundle to `outFile` and returns its size; see bundle-preload.mjs. */
export function bundlePreload(outFile: string): Promise<{ outFile: string; bytes: number }>;
