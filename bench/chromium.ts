/**
 * Debian's Chromium and the flags it runs with here, for the benchmarks and the Playwright suite
 * alike: no sandbox (root in a container), no GPU, and nothing that reaches for the network (this
 * machine's closed network refuses it, many connections at a time).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
