import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { INPUT_LIMITS, inputsProblem, inputsSizeProblem } from '../shared/input-limits.js';
import { CliError } from './cli-error.js';

/**
 * Inputs the CLI refused before any command used them. `auditMessage` is what may be journaled:
 * the same line without any of the file's content (a JSON syntax error quotes it).
 */
export class InputsRefused extends CliError {
  constructor(
    message: string,
    readonly auditMessage: string = message,
  ) {
    super(message);
    this.name = 'InputsRefused';
  }
}

/**
 * Reads the inputs JSON object from a file, or from stdin when `source` is "-", within
 * `INPUT_LIMITS`: a file over the size limit is refused from its size alone, and no more than the
 * limit plus one byte is ever read from anything (stdin, a pipe, a device). The parsed value is
 * then checked for depth, lengths and count before anything recurses into it.
 */
export async function readInputs(source: string): Promise<Record<string, unknown>> {
  const place = source === '-' ? 'stdin' : source;
  let bytes: Buffer | number | null;
  try {
    bytes = source === '-' ? await readAtMost(process.stdin) : await readFileAtMost(source);
  } catch (error) {
    throw new InputsRefused(
      `${place}: cannot read the inputs file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (!Buffer.isBuffer(bytes)) throw new InputsRefused(`${place}: ${inputsSizeProblem(bytes)}`);
  let value: unknown;
  try {
    // JSON.parse does not recurse (V8 parses iteratively), so depth is safe to check after it.
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    const fix = 'the inputs must be a JSON object';
    throw new InputsRefused(
      `${place}: not valid JSON (${(error as Error).message}); ${fix}`,
      `${place}: not valid JSON; ${fix}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputsRefused(`${place}: the inputs must be a JSON object like {"field": "value"}`);
  }
  const problem = inputsProblem(value);
  if (problem) throw new InputsRefused(`${place}: ${problem.message}`);
  return value as Record<string, unknown>;
}

/** A regular file over the limit is refused by its size (returned) without reading any of it. */
async function readFileAtMost(file: string): Promise<Buffer | number | null> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > INPUT_LIMITS.maxBytes) return size;
    // `end` is inclusive: one byte past the limit tells a file that grew, or a device, from one that fits.
    return await readAtMost(
      handle.createReadStream({ end: INPUT_LIMITS.maxBytes, autoClose: false }),
    );
  } finally {
    await handle.close();
  }
}

/** The stream's bytes, or null as soon as they pass the limit (it stops reading there). */
async function readAtMost(stream: Readable): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > INPUT_LIMITS.maxBytes) return null; // leaving the loop destroys the stream
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
