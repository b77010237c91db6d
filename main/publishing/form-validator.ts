import { importValidatorModule } from '../../forms/codegen/import-module.js';
import { sha256Hex } from '../shared/hashing.js';

/** A blob `catalogue build` makes rather than copies: its bytes, held until they are written. */
export interface GeneratedBlob {
  bytes: Buffer;
  sha256: string;
  size: number;
}

/**
 * Generates the precompiled validator of a form schema that passed the lint, and loads it once
 * here, as a module that has nowhere to import from, so a module that would need anything outside
 * itself fails the build instead of a device. Throws a reason to put after the schema's file name.
 */
export async function buildFormValidator(schema: Record<string, unknown>): Promise<GeneratedBlob> {
  // Loaded on first use: every other command of the CLI starts without the code generator.
  const { generateValidatorModule } = await import('../../forms/codegen/generate-validator.js');
  let bytes: Buffer;
  try {
    bytes = Buffer.from(generateValidatorModule(schema), 'utf8');
    await importValidatorModule(bytes);
  } catch (error) {
    throw new Error(`cannot be compiled into the form's validator: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { bytes, sha256: sha256Hex(bytes), size: bytes.length };
}
