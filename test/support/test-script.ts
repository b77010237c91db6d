import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The script.json fields a test script leaves at their plainest. */
const TEST_SCRIPT_MANIFEST = {
  category: 'Tests',
  version: '1.0.0',
  entrypoint: 'main.py',
  python: '>=3.9',
  timeoutSeconds: 10,
  secrets: [],
  allowed: { users: [], groups: ['everyone'] },
  destructive: false,
  supportsDryRun: false,
  requireReason: false,
  exitCodes: { '0': { status: 'success' } },
};

/**
 * Adds a standard-library script to a catalogue source: `scripts/<id>/` with its script.json (the
 * plainest manifest, with this title and summary), form schema, main.py and an empty lock.
 */
export async function addTestScript(
  source: string,
  script: { id: string; title: string; summary: string; schema: unknown; main: string },
): Promise<void> {
  const dir = path.join(source, 'scripts', script.id);
  await mkdir(dir, { recursive: true });
  const { id, title, summary } = script;
  await writeFile(
    path.join(dir, 'script.json'),
    JSON.stringify({ id, title, summary, ...TEST_SCRIPT_MANIFEST }),
  );
  await writeFile(path.join(dir, 'form.schema.json'), JSON.stringify(script.schema, null, 2));
  await writeFile(path.join(dir, 'main.py'), script.main);
  await writeFile(path.join(dir, 'requirements.lock'), '# standard library only\n');
}
