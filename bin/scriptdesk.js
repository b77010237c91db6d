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
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
