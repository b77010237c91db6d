#!/usr/bin/env node
// The `scriptdesk` command: a thin launcher for the compiled CLI in dist/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'scriptdesk: not built yet; run "npm ci" (or "npm run build") in the ScriptDesk folder first\n',
  );
  process.exit(1);
}
// A reader that stops early (`scriptdesk catalogue diff ... | head`) closes the pipe: end quietly
// instead of with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
