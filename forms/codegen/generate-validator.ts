import getDiscriminatorFieldFromSchema from '@rjsf/utils/lib/getDiscriminatorFieldFromSchema.js';
import hashForSchema from '@rjsf/utils/lib/hashForSchema.js';
import ParserValidator from '@rjsf/utils/lib/parser/ParserValidator.js';
import schemaParser from '@rjsf/utils/lib/parser/schemaParser.js';
import getClosestMatchingOption from '@rjsf/utils/lib/schema/getClosestMatchingOption.js';
import { relaxOptionsForScoring } from '@rjsf/utils/lib/schema/retrieveSchema.js';
import type { RJSFSchema } from '@rjsf/utils';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAuthorityAjv } from '../authority-validator.js';
import { isObject, walkSchema } from '../schema-walk.js';
import { VALIDATOR_MODULE_FORMAT, type ValidatorModule } from '../validator-module.js';
import { linkRuntime } from './link-runtime.js';

/**
 * Main's authority options plus Ajv's code options for standalone output: source kept, ES module
 * syntax, no line breaks (smaller), the default optimisation pass. The strict-mode choices are the
 * authority's own (`STRICT_OPTIONS`: notes, not errors, and dropped here), so the build lint, this
 * generator and a device that generates a module judge a schema alike. Only the meta-schema check
 * is off: the schema passed it in the build lint (`lintFormSchema`) before it is generated from,
 * it does not change the code Ajv generates (a unit test compares), and skipping its compile makes
 * each generation several times faster.
 */
export const GENERATION_OPTIONS = {
  code: { source: true, esm: true, lines: false, optimize: true },
  validateSchema: false,
} as const;

/**
 * The schemas RJSF validates on their own for this form, by the key RJSF looks them up with: the
 * form itself plus every subschema its rendering asks about (if-conditions, oneOf/anyOf options,
 * dependencies), each with that key as its `$id`. RJSF's `schemaParser` misses one kind, added
 * here: the scoring variants of a schema dependency's `oneOf`/`anyOf` options, which RJSF's
 * `omitExtraData` (the renderer calls it on every change) asks about once the dependency's
 * property has a value; without them ticking such a property stops the page.
 */
export function formSchemaMap(schema: Record<string, unknown>): Record<string, RJSFSchema> {
  const root = schema as RJSFSchema;
  const capture = new ParserValidator(root);
  walkSchema(schema, 'document', ({ schema: node }) => {
    if (!isObject(node.dependencies)) return;
    for (const dependency of Object.values(node.dependencies)) {
      if (!isObject(dependency)) continue;
      const options = Array.isArray(dependency.oneOf) ? dependency.oneOf : dependency.anyOf;
      if (!Array.isArray(options)) continue;
      // As omitExtraData's handleOneOf scores them; the form data does not change what is asked.
      const scoring = relaxOptionsForScoring(options as RJSFSchema[], true, root);
      const discriminator = getDiscriminatorFieldFromSchema(dependency as RJSFSchema);
      getClosestMatchingOption(capture, root, {}, scoring, 0, discriminator);
    }
  });
  return { ...capture.getSchemaMap(), ...schemaParser(root) };
}

/** The key RJSF gives the whole form's schema (its `$id`, else its hash). */
export function rootSchemaKey(schema: Record<string, unknown>): string {
  return typeof schema.$id === 'string' ? schema.$id : hashForSchema(schema as RJSFSchema);
}

/**
 * Generates the validator module of a form schema that passed the build lint: ES module source
 * that exports a check for the form and for each subschema RJSF validates on its own (see
 * {@link formSchemaMap}), compiled with main's authority Ajv (the ScriptDesk keywords, ajv-formats)
 * and linked with the few library helpers it needs, so it imports nothing. The same schema always
 * gives the same bytes. Throws when the schema cannot be compiled or needs a helper ScriptDesk
 * does not bundle.
 */
export function generateValidatorModule(schema: Record<string, unknown>): string {
  const schemas = formSchemaMap(schema);
  const keys = Object.keys(schemas);
  const rootKey = rootSchemaKey(schema);
  if (!keys.includes(rootKey)) throw new Error('RJSF found no schema for the whole form');
  const ajv = createAuthorityAjv(GENERATION_OPTIONS);
  for (const key of keys) ajv.addSchema(schemas[key]!);
  // RJSF keys are hashes such as "-4b1f086", not identifiers: export each under a plain name.
  const exportNames = Object.fromEntries(keys.map((key, index) => [`check${index}`, key]));
  const code = linkRuntime(standaloneCode.default(ajv, exportNames));
  const byKey = keys.map((key, index) => `${JSON.stringify(key)}: check${index}`).join(', ');
  return [
    '// ScriptDesk form validator, generated from the form schema (forms/codegen). Do not edit.',
    code,
    `export const format = ${VALIDATOR_MODULE_FORMAT};`,
    `export const rootKey = ${JSON.stringify(rootKey)};`,
    `export const validators = { ${byKey} };`,
    '',
  ].join('\n');
}

/**
 * True when the module has a check for every schema this device's RJSF will ask about: a module
 * made by another ScriptDesk version (other RJSF keys) is then replaced by one made here.
 */
export function coversForm(module: ValidatorModule, schema: Record<string, unknown>): boolean {
  return Object.keys(formSchemaMap(schema)).every((key) => Object.hasOwn(module.validators, key));
}
