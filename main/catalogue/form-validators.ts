import { readFile } from 'node:fs/promises';
import { importValidatorModule } from '../../forms/codegen/import-module.js';
import { checkInputs, type ValidatorModule } from '../../forms/validator-module.js';
import type { FieldError } from '../contract/errors.js';
import { ApiFailure } from '../contract/errors.js';
import { sha256Hex } from '../shared/hashing.js';
import type { ContentStore } from './content-store.js';
import type { CatalogueDocument, PublishedScript } from './document.js';

/** A script's form validator, loaded in main: what checks run inputs and what the renderer loads. */
export interface FormValidator {
  /** The module's hash: the renderer loads it as `/validators/<sha256>.js`. */
  sha256: string;
  /**
   * Validates run inputs with the whole form's check; field errors in plain words (named by the
   * form's uiSchema when given), empty when valid.
   */
  check(inputs: unknown, uiSchema?: Record<string, unknown>): FieldError[];
}

/** Ajv's code generator and RJSF's schema parser: loaded only when a form is first checked. */
const codegen = () => import('../../forms/codegen/generate-validator.js');

interface Loaded extends FormValidator {
  bytes: Buffer<ArrayBuffer>;
  /** The schema it was made for: it is served only while the installed catalogue has that schema. */
  schemaSha256: string;
}

/**
 * The form validators of the installed catalogue's scripts, each loaded once. A published
 * validator is read from the content store and its hash checked before it is loaded; a catalogue
 * published without validators, or with one made for another RJSF than this app's, gets one
 * generated here from the verified schema. Either way nothing is compiled with `eval`, and the
 * renderer is served only the bytes main loaded itself.
 */
export class FormValidators {
  private readonly loaded = new Map<string, Promise<Loaded>>();

  constructor(private readonly store: ContentStore) {}

  /** The validator of `script`'s form, whose parsed (verified) schema is `schema`. */
  forScript(script: PublishedScript, schema: Record<string, unknown>): Promise<FormValidator> {
    const key = `${script.schemaSha256}:${script.validator?.sha256 ?? 'generated'}`;
    let loading = this.loaded.get(key);
    if (!loading) {
      loading = this.load(script, schema);
      this.loaded.set(key, loading);
      // A failure (a damaged blob) is not remembered: the next call reads the store again.
      loading.catch(() => this.loaded.delete(key));
    }
    return loading;
  }

  /**
   * The bytes of the validator module named `sha256`, when it was loaded for a script of
   * `document` (the installed catalogue); null for any other name.
   */
  async moduleBytes(
    sha256: string,
    document: CatalogueDocument,
  ): Promise<Buffer<ArrayBuffer> | null> {
    const schemas = new Set(document.scripts.map((script) => script.schemaSha256));
    for (const loading of this.loaded.values()) {
      const loaded = await loading.catch(() => null);
      if (loaded?.sha256 === sha256 && schemas.has(loaded.schemaSha256)) return loaded.bytes;
    }
    return null;
  }

  private async load(script: PublishedScript, schema: Record<string, unknown>): Promise<Loaded> {
    const { coversForm, generateValidatorModule } = await codegen();
    if (script.validator) {
      const bytes = await this.readPublished(script);
      const module = await importValidatorModule(bytes).catch((error: unknown) => {
        throw unusable(script, (error as Error).message);
      });
      if (coversForm(module, schema)) return loadedFrom(script, schema, bytes, module);
    }
    const bytes = Buffer.from(generateValidatorModule(schema), 'utf8');
    return loadedFrom(script, schema, bytes, await importValidatorModule(bytes));
  }

  private async readPublished(script: PublishedScript): Promise<Buffer<ArrayBuffer>> {
    const entry = script.validator!;
    const bytes = await readFile(this.store.pathOf(entry.sha256)).catch((error: unknown) => {
      throw unusable(script, `it cannot be read (${(error as NodeJS.ErrnoException).code})`);
    });
    if (bytes.length !== entry.size || sha256Hex(bytes) !== entry.sha256) {
      // Discarded, so the next sync fetches it again (a sync restores every missing blob).
      await this.store.discard(entry.sha256);
      throw unusable(script, 'the local copy was changed on disk');
    }
    return bytes;
  }
}

function loadedFrom(
  script: PublishedScript,
  schema: Record<string, unknown>,
  bytes: Buffer<ArrayBuffer>,
  module: ValidatorModule,
): Loaded {
  return {
    sha256: sha256Hex(bytes),
    bytes,
    schemaSha256: script.schemaSha256,
    check: (inputs, uiSchema) => checkInputs(module, inputs, schema, { uiSchema }),
  };
}

function unusable(script: PublishedScript, reason: string): ApiFailure {
  return new ApiFailure(
    'catalogue_unavailable',
    `The form validator of ${script.manifest.id} cannot be used: ${reason}; sync the catalogue again.`,
  );
}
