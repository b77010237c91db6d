import { keychainWithoutDesktop } from '../main/dev/private-keyring.js';
import { benchAuditConsole } from './audit-console.js';
import { benchAuditEndpoint } from './audit-endpoint.js';
import { benchAuditJournal } from './audit-journal.js';
import { benchCatalogueSync } from './catalogue-sync.js';
import { benchForm } from './form.js';
import { benchHistory } from './history.js';
import { benchLogScale } from './log-scale.js';
import { benchPageLoad } from './page-load.js';
import { benchProcessStart } from './process-start.js';
import { benchRunIntegrity } from './run-integrity.js';
import { benchRunOverhead } from './run-overhead.js';
import { benchStdoutThroughput } from './stdout-throughput.js';
import { benchVenvBuild } from './venv-build.js';

/** Every benchmark by the name `node dist/bench/run.js NAME…` selects it with. */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  'run-overhead': benchRunOverhead,
  'run-integrity': benchRunIntegrity,
  'stdout-throughput': benchStdoutThroughput,
  'catalogue-sync': benchCatalogueSync,
  'venv-build': benchVenvBuild,
  'audit-journal': benchAuditJournal,
  'audit-endpoint': benchAuditEndpoint,
  'audit-console': benchAuditConsole,
  form: benchForm,
  'page-load': benchPageLoad,
  history: benchHistory,
  'log-scale': benchLogScale,
  'process-start': benchProcessStart,
};

/**
 * `npm run bench`: every benchmark, printing its figures against a baseline measured in the same
 * run. `node dist/bench/run.js catalogue-sync` (after `npm run build`) runs only the ones named.
 */
const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHMARKS));
if (unknown.length) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`,
  );
  process.exit(2);
}
const selected = names.length ? names : Object.keys(BENCHMARKS);
// Runs journal signed events, with the device key from the keychain.
const keyring = await keychainWithoutDesktop(undefined, (line) => console.log(`bench: ${line}`));
try {
  for (const [index, name] of selected.entries()) {
    if (index > 0) console.log();
    await BENCHMARKS[name]!();
  }
} finally {
  await keyring?.stop();
}
