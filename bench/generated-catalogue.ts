import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSigningKey } from '../main/catalogue/keys.js';
import { publishCatalogue } from '../main/publishing/publish.js';

/** A catalogue source written for a benchmark, its signing key and where it is published. */
export interface GeneratedCatalogue {
  sourceDir: string;
  publishedDir: string;
  privateKeyFile: string;
  publicKeyFile: string;
  scriptIds: string[];
}

const VALID_FOR_MS = 7 * 86_400_000;

/**
 * Writes a catalogue source of `count` scripts under `root` and publishes it once. Every script
 * has its own script.json, form.schema.json and main.py (a few KB of varied Python) and the same
 * empty requirements.lock, so the published folder holds 3 × `count` + 1 distinct blobs. The
 * content is derived from a fixed seed: every run benchmarks the same bytes.
 */
export async function generateCatalogue(root: string, count: number): Promise<GeneratedCatalogue> {
  const sourceDir = path.join(root, 'source');
  await mkdir(path.join(sourceDir, 'scripts'), { recursive: true });
  await writeFile(
    path.join(sourceDir, 'catalogue.json'),
    JSON.stringify(
      {
        name: 'Benchmark catalogue',
        publisher: 'ScriptDesk benchmarks',
        audience: 'bench',
        approvedPackages: {},
        groups: { everyone: ['*'] },
      },
      null,
      2,
    ) + '\n',
  );
  const scriptIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `script-${String(i).padStart(4, '0')}`;
    scriptIds.push(id);
    await writeScript(path.join(sourceDir, 'scripts', id), id, seededRandom(i + 1));
  }
  const keys = await generateSigningKey(path.join(root, 'keys'));
  const catalogue: GeneratedCatalogue = {
    sourceDir,
    publishedDir: path.join(root, 'published'),
    privateKeyFile: keys.privateKeyFile,
    publicKeyFile: keys.publicKeyFile,
    scriptIds,
  };
  await publish(catalogue);
  return catalogue;
}

/** Publishes the source again (the catalogue version goes up by one). */
export async function publish(catalogue: GeneratedCatalogue): Promise<{ blobCount: number }> {
  return publishCatalogue({
    sourceDir: catalogue.sourceDir,
    keyFile: catalogue.privateKeyFile,
    outDir: catalogue.publishedDir,
    validForMs: VALID_FOR_MS,
  });
}

/** Rewrites one script's main.py (only that file), as an admin fixing a bug would. */
export async function editEntrypoint(
  catalogue: GeneratedCatalogue,
  id: string,
  edit: number,
): Promise<void> {
  const random = seededRandom(10_000 + edit);
  const body = pythonModule(id, random) + `\n# edit ${edit}: ${word(random)} ${word(random)}\n`;
  await writeFile(path.join(catalogue.sourceDir, 'scripts', id, 'main.py'), body);
}

async function writeScript(dir: string, id: string, random: Random): Promise<void> {
  await mkdir(dir, { recursive: true });
  const topic = `${word(random)} ${word(random)}`;
  const manifest = {
    id,
    title: `${capitalise(topic)} report ${id.slice(-4)}`,
    summary: `Reads the ${topic} export, checks it and writes a summary workbook to the output folder.`,
    category: capitalise(pick(random, CATEGORIES)),
    version: `${1 + Math.floor(random() * 3)}.${Math.floor(random() * 10)}.${Math.floor(random() * 20)}`,
    entrypoint: 'main.py',
    python: '>=3.9',
    timeoutSeconds: 60 * (1 + Math.floor(random() * 30)),
    secrets: [],
    allowed: { users: [], groups: ['everyone'] },
    destructive: random() < 0.2,
    supportsDryRun: random() < 0.5,
    requireReason: random() < 0.3,
    exitCodes: { '0': { status: 'success' }, '3': { status: 'expected', message: 'No data.' } },
  };
  await writeFile(path.join(dir, 'script.json'), JSON.stringify(manifest, null, 2) + '\n');
  await writeFile(
    path.join(dir, 'form.schema.json'),
    JSON.stringify(formSchema(random), null, 2) + '\n',
  );
  await writeFile(path.join(dir, 'requirements.lock'), '');
  await writeFile(path.join(dir, 'main.py'), pythonModule(id, random));
}

function formSchema(random: Random): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    month: { type: 'string', title: 'Month', pattern: '^\\d{4}-\\d{2}$', default: '2024-01' },
  };
  const extra = 2 + Math.floor(random() * 6);
  for (let i = 0; i < extra; i++) {
    const name = `${word(random)}${capitalise(word(random))}${i}`;
    properties[name] =
      random() < 0.5
        ? { type: 'integer', minimum: 0, maximum: 100 + Math.floor(random() * 900), default: 1 }
        : { type: 'string', title: capitalise(word(random)), maxLength: 200, default: '' };
  }
  return { type: 'object', additionalProperties: false, properties };
}

/** A plausible Python module of roughly 1.5–8.5 KB. */
function pythonModule(id: string, random: Random): string {
  const lines = [
    `"""${id}: generated for the catalogue sync benchmark."""`,
    'import csv',
    'import json',
    'import os',
    '',
    `THRESHOLD = ${(random() * 100).toFixed(3)}`,
    `COLUMNS = [${Array.from({ length: 6 }, () => `"${word(random)}"`).join(', ')}]`,
    '',
  ];
  const functions = 3 + Math.floor(random() * 10);
  for (let f = 0; f < functions; f++) {
    const name = `${word(random)}_${word(random)}_${f}`;
    lines.push('', `def ${name}(rows, limit=${Math.floor(random() * 500)}):`);
    lines.push(`    """${capitalise(word(random))} the ${word(random)} rows."""`, '    total = 0');
    lines.push('    for row in rows:');
    const statements = 2 + Math.floor(random() * 5);
    for (let s = 0; s < statements; s++) {
      const field = pick(random, ['amount', 'count', 'price', 'weight', 'score']);
      lines.push(
        `        if float(row.get("${field}", 0)) > ${(random() * 1000).toFixed(2)}:`,
        `            total += float(row["${field}"]) * ${(random() * 3).toFixed(4)}`,
      );
    }
    lines.push('    return min(total, limit)');
  }
  lines.push(
    '',
    '',
    'def main():',
    '    inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))',
    '    out = os.environ["SCRIPTDESK_OUTPUT_DIR"]',
    '    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:',
    '        csv.writer(f).writerow([inputs["month"], THRESHOLD])',
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
    '',
  );
  return lines.join('\n');
}

type Random = () => number;

/** mulberry32: small, fast and the same on every machine. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const WORDS = [
  'sales',
  'invoice',
  'ledger',
  'stock',
  'payroll',
  'vendor',
  'region',
  'margin',
  'refund',
  'order',
  'budget',
  'forecast',
  'audit',
  'customer',
  'shipment',
  'warehouse',
  'tax',
  'expense',
  'quota',
  'churn',
];
const CATEGORIES = ['finance', 'reporting', 'operations', 'sales', 'people'];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function word(random: Random): string {
  return pick(random, WORDS);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
