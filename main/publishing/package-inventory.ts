import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CatalogueDocumentSchema } from '../catalogue/document.js';
import type { CatalogueSource } from '../catalogue/manifest.js';
import { CatalogueSourceSchema } from '../catalogue/manifest.js';
import type { PackageInventory } from '../governance/package-report.js';
import { sha256File } from '../shared/hashing.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import { parseLockFile, parseWheelFilename } from './lock-file.js';
import type { SourceProblem } from './source-problems.js';

/** An inventory, what it was read from, and what could not be read. */
export interface ReadInventory {
  inventory: PackageInventory;
  kind: 'source' | 'published';
  name: string;
  /** catalogue.json of a source (its policies); null for a published folder. */
  source: CatalogueSource | null;
  problems: SourceProblem[];
}

/**
 * Reads what `catalogue packages` reports on from `location`: a catalogue source (catalogue.json
 * with approvedPackages, wheels/, scripts/<id>/requirements.lock) or a published folder (the
 * document's wheels and the blobs they name, each checked against its hash). The signature of a
 * published folder is not checked here: `catalogue verify` does that.
 */
export async function readInventory(location: string): Promise<ReadInventory> {
  const file = path.join(location, 'catalogue.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `cannot be read as JSON (${(error as Error).message})`}; give a catalogue source folder or a published folder`,
      { cause: error },
    );
  }
  const isPublished = typeof json === 'object' && json !== null && 'type' in json;
  return isPublished ? readPublished(location, file, json) : readSource(location, file, json);
}

function refuseShape(file: string, issues: string[]): never {
  throw new Error(`${file}: ${issues.join('; ')}; correct the file`);
}

async function readSource(root: string, file: string, json: unknown): Promise<ReadInventory> {
  const parsed = CatalogueSourceSchema.safeParse(json);
  if (!parsed.success) refuseShape(file, describeZodIssues(parsed.error));
  const problems: SourceProblem[] = [];
  const wheels: PackageInventory['wheels'] = [];
  const wheelDir = path.join(root, 'wheels');
  const names = await readdir(wheelDir).catch(() => [] as string[]);
  for (const filename of names.filter((n) => n.endsWith('.whl')).sort()) {
    const named = parseWheelFilename(filename);
    const absolute = path.join(wheelDir, filename);
    if (!named) {
      problems.push({
        file: absolute,
        detail: 'is not named like a wheel (NAME-VERSION-TAGS.whl); rename or remove it',
      });
      continue;
    }
    wheels.push({
      filename,
      ...named,
      sha256: (await sha256File(absolute)).sha256,
      file: absolute,
    });
  }
  const pins: PackageInventory['pins'] = [];
  const scriptsDir = path.join(root, 'scripts');
  const ids = (await readdir(scriptsDir, { withFileTypes: true }).catch(() => []))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const script of ids) {
    const lockFile = path.join(scriptsDir, script, 'requirements.lock');
    try {
      for (const pin of parseLockFile(await readFile(lockFile, 'utf8')))
        pins.push({ ...pin, consumer: { script, lockFile, line: pin.line } });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({
        file: lockFile,
        detail: code
          ? `cannot be read (${code}); every script folder needs one`
          : (error as Error).message,
      });
    }
  }
  for (const pin of pins)
    if (!wheels.some((wheel) => wheel.sha256 === pin.sha256))
      problems.push({
        file: pin.consumer.lockFile!,
        detail: `line ${pin.consumer.line}: no wheel in wheels/ has the hash given for ${pin.name}==${pin.version}; add the wheel or correct the hash`,
      });
  return {
    inventory: { approved: parsed.data.approvedPackages, wheels, pins },
    kind: 'source',
    name: parsed.data.name,
    source: parsed.data,
    problems,
  };
}

async function readPublished(root: string, file: string, json: unknown): Promise<ReadInventory> {
  const parsed = CatalogueDocumentSchema.safeParse(json);
  if (!parsed.success) refuseShape(file, describeZodIssues(parsed.error));
  const problems: SourceProblem[] = [];
  const wheels = new Map<string, PackageInventory['wheels'][number]>();
  const pins: PackageInventory['pins'] = [];
  for (const script of parsed.data.scripts) {
    for (const wheel of script.wheels) {
      const named = parseWheelFilename(wheel.filename);
      if (!named) continue;
      pins.push({
        ...named,
        sha256: wheel.sha256,
        consumer: { script: script.manifest.id, lockFile: null, line: null },
      });
      if (wheels.has(wheel.sha256)) continue;
      const blob = path.join(root, 'blobs', 'sha256', wheel.sha256);
      const found = await sha256File(blob).catch(() => null);
      if (found?.sha256 !== wheel.sha256) {
        problems.push({
          file: blob,
          detail: `${found ? 'does not match its hash' : 'is missing'} (wheel ${wheel.filename}); publish the catalogue again`,
        });
        continue;
      }
      wheels.set(wheel.sha256, {
        filename: wheel.filename,
        ...named,
        sha256: wheel.sha256,
        file: blob,
      });
    }
  }
  return {
    inventory: { approved: null, wheels: [...wheels.values()], pins },
    kind: 'published',
    name: parsed.data.name,
    source: null,
    problems,
  };
}
