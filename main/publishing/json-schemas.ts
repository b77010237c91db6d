import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ScriptDeskEventSchema } from '../audit/event-data.js';
import { CatalogueSourceSchema, ScriptManifestSchema } from '../catalogue/manifest.js';
import { PolicySchema } from '../policy/policy.js';

/** Where the published schema files say they live; `$id` only names them, nothing is fetched. */
export const SCHEMA_BASE_URL = 'https://scriptdesk.dev/schemas/';

/** One JSON Schema file for a format admins edit, generated from its zod schema. */
export interface SourceJsonSchema {
  fileName: string;
  schema: object;
}

const SOURCES = [
  { fileName: 'script.schema.json', zod: ScriptManifestSchema },
  { fileName: 'catalogue.schema.json', zod: CatalogueSourceSchema },
  // Not edited by admins but read by auditors and collectors: the events the journal delivers.
  { fileName: 'audit-event.schema.json', zod: ScriptDeskEventSchema },
  // Written by IT for every computer (deployed by MDM, Group Policy or configuration management).
  { fileName: 'policy.schema.json', zod: PolicySchema },
] as const;

/**
 * The JSON Schemas (draft 2020-12) of `script.json` and `catalogue.json`, generated from the zod
 * schemas in `manifest.ts` so editors check exactly what `catalogue build` checks.
 */
export function sourceJsonSchemas(): SourceJsonSchema[] {
  return SOURCES.map(({ fileName, zod }) => {
    // `input`: these describe the files admins write, before any parsing.
    const { $schema, title, description, ...rest } = z.toJSONSchema(zod, { io: 'input' });
    return {
      fileName,
      schema: { $schema, $id: SCHEMA_BASE_URL + fileName, title, description, ...rest },
    };
  });
}

/** Writes {@link sourceJsonSchemas} into `dir` (created if missing); returns the paths written. */
export async function writeSourceJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const { fileName, schema } of sourceJsonSchemas()) {
    const file = path.join(dir, fileName);
    await writeFile(file, formatJson(schema, 100) + '\n');
    written.push(file);
  }
  return written;
}

/**
 * Pretty JSON laid out the way the repository's prettier lays it out (objects one key a line,
 * arrays of plain values on one line when they fit in `width`), so the committed files pass
 * `prettier --check` without prettier being needed where the CLI runs.
 */
function formatJson(value: unknown, width: number, indent = '', prefix = '', suffix = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every((item) => item === null || typeof item !== 'object');
    const oneLine = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    if (flat && indent.length + prefix.length + oneLine.length + suffix.length <= width)
      return oneLine;
    const inner = indent + '  ';
    const items = value.map(
      (item, i) => inner + formatJson(item, width, inner, '', i < value.length - 1 ? ',' : ''),
    );
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    const lines = entries.map(([key, v], i) => {
      const head = `${JSON.stringify(key)}: `;
      const tail = i < entries.length - 1 ? ',' : '';
      return inner + head + formatJson(v, width, inner, head, tail);
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
