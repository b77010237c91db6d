import { existsSync } from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium and the flags it runs with here, for the benchmarks and the Playwright suite
 * alike: no sandbox (root in a container), no GPU, and nothing that reaches for the network (this
 * machine's closed network refuses it, many connections at a time). Where Debian's is absent
 * (macOS, Windows), Playwright's own Chromium (`npx playwright install chromium`).
 */
export const CHROMIUM_PATH: string | undefined =
  process.env.CHROMIUM_PATH ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
