import { readFile } from 'node:fs/promises';
import { CliError } from './cli-error.js';

/** Reads the inputs JSON object from a file, or from stdin when `source` is "-". */
export async function readInputs(source: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  } catch (error) {
    throw new CliError(
      `${source}: cannot read the inputs file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${source === '-' ? 'stdin' : source}: not valid JSON (${(error as Error).message}); the inputs must be a JSON object`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(
      `${source === '-' ? 'stdin' : source}: the inputs must be a JSON object like {"field": "value"}`,
    );
  }
  return value as Record<string, unknown>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
