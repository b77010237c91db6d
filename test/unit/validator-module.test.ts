import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSchemaUtils, type RJSFSchema } from '@rjsf/utils';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createAuthorityAjv, validateAgainst } from '../../forms/authority-validator.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import {
  GENERATION_OPTIONS,
  generateValidatorModule,
} from '../../forms/codegen/generate-validator.js';
import { importValidatorModule } from '../../forms/codegen/import-module.js';
import { precompiledFormValidator } from '../../forms/theme/validator.js';
import { asValidatorModule, checkInputs } from '../../forms/validator-module.js';
import { DEMO_SOURCE } from '../support/catalogue.js';

const DEMO_FORMS = ['api-check', 'csv-summary', 'loan-schedule', 'rename-files'];

function demoSchema(id: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(path.join(DEMO_SOURCE, 'scripts', id, 'form.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
}

function demoUiSchema(id: string): Record<string, unknown> {
  const file = path.join(DEMO_SOURCE, 'scripts', id, 'form.ui.json');
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
}

/** Every module specifier a piece of ES module source imports, statically or dynamically. */
async function importsOf(source: string): Promise<string[]> {
  const seen: string[] = [];
  await build({
    stdin: { contents: source, loader: 'js' },
    bundle: true,
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-imports',
        setup(plugin) {
          plugin.onResolve({ filter: /.*/ }, (args) => {
            seen.push(args.path);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return seen;
}

/** Generated code with Ajv's numbered names (validate12, func2…) renumbered by first use. */
function canonical(code: string): string {
  const names = new Map<string, string>();
  return code.replace(
    /\b(validate|schema|func|pattern|formats)(\d+)\b/g,
    (name, prefix: string) => {
      if (!names.has(name)) names.set(name, `${prefix}#${names.size}`);
      return names.get(name)!;
    },
  );
}

/** A form that makes RJSF ask about subschemas: a condition, options and a dependency. */
const CONDITIONAL_FORM = {
  type: 'object',
  additionalProperties: false,
  definitions: { unit: { type: 'string', enum: ['days', 'weeks'] } },
  properties: {
    period: { $ref: '#/definitions/unit' },
    count: { type: 'integer', minimum: 1, maximum: 10 },
    target: {
      title: 'Target',
      oneOf: [
        {
          title: 'A folder',
          type: 'object',
          additionalProperties: false,
          properties: { folder: { type: 'string', maxLength: 100 } },
          required: ['folder'],
        },
        {
          title: 'An address',
          type: 'object',
          additionalProperties: false,
          properties: { email: { type: 'string', format: 'email', maxLength: 100 } },
          required: ['email'],
        },
      ],
    },
    notify: { type: 'boolean' },
    channel: { type: 'string', maxLength: 20 },
  },
  if: { properties: { period: { const: 'weeks' } }, required: ['period'] },
  then: { properties: { count: { type: 'integer', maximum: 4 } } },
  dependencies: { notify: ['channel'] },
};

describe('precompiled form validators', () => {
  it('are self-contained: no import, no require from outside, no eval, and they load where nothing can be imported', async () => {
    for (const id of DEMO_FORMS) {
      const schema = demoSchema(id);
      const source = generateValidatorModule(schema);
      expect(await importsOf(source), id).toEqual([]);
      expect(source, id).not.toMatch(/\beval\(|new Function\b/);
      // A data: module in Node has no `require` and nothing to resolve imports against.
      const module = await importValidatorModule(source);
      expect(checkInputs(module, { extra: 1 }, schema).length, id).toBeGreaterThan(0);
    }
  });

  it('give the same bytes for the same schema, so identical forms share one blob', () => {
    for (const id of DEMO_FORMS)
      expect(generateValidatorModule(demoSchema(id))).toBe(generateValidatorModule(demoSchema(id)));
  });

  it('compile each form to the very code main’s strict authority Ajv generates for it', () => {
    for (const id of DEMO_FORMS) {
      const code = (options: Parameters<typeof createAuthorityAjv>[0]) => {
        const ajv = createAuthorityAjv(options);
        ajv.addSchema(demoSchema(id), 'form');
        return canonical(standaloneCode.default(ajv, { form: 'form' }));
      };
      expect(code(GENERATION_OPTIONS), id).toBe(code({ code: GENERATION_OPTIONS.code }));
    }
  });

  it('judge run inputs exactly as main’s authority Ajv does, field errors included', async () => {
    const astral = '𝄞'.repeat(120); // 120 code points, 240 UTF-16 units: maxLength counts code points
    const cases: Record<string, Record<string, unknown>[]> = {
      'api-check': [{}, { note: astral }, { note: 'tab\there' }, { simulateOutage: 'yes' }],
      'csv-summary': [
        {
          csvFile: '/data/sales.csv',
          delimiter: 'tab',
          hasHeader: true,
          topN: 5,
          reportTitle: 'CSV summary',
        },
        { csvFile: '', delimiter: 'pipe', hasHeader: 1, topN: 99, reportTitle: astral, more: 2 },
      ],
      'loan-schedule': [
        { principal: 25000.5, annualRatePercent: 4.25, years: 2, startDate: '2025-01-15' },
        { principal: 25000.555, annualRatePercent: 31, years: 0, startDate: '2025-02-30' },
        { principal: '100', annualRatePercent: 5, years: 1.5, startDate: 'tomorrow' },
      ],
      'rename-files': [
        { folder: '/tmp', pattern: 'a', replacement: '', includeSubfolders: false },
        { folder: '', pattern: '', replacement: 'x'.repeat(201), includeSubfolders: 'no' },
      ],
    };
    for (const [id, inputs] of Object.entries(cases)) {
      const schema = demoSchema(id);
      const module = await importValidatorModule(generateValidatorModule(schema));
      for (const input of inputs)
        expect(
          checkInputs(module, input, schema, { uiSchema: demoUiSchema(id) }),
          `${id} ${JSON.stringify(input)}`,
        ).toEqual(validateAgainst(createAuthorityAjv(), schema, input, demoUiSchema(id)));
    }
    const loanSchema = demoSchema('loan-schedule');
    const loan = await importValidatorModule(generateValidatorModule(loanSchema));
    expect(
      checkInputs(
        loan,
        { principal: 100, annualRatePercent: 5, years: 1, startDate: '2025-02-30' },
        loanSchema,
      ),
    ).toEqual([{ path: '/startDate', message: 'Loan start date must be a date like 2026-12-31.' }]);
  });

  it('let RJSF resolve conditions, options and dependencies and validate the form without compiling anything', async () => {
    const schema = CONDITIONAL_FORM as unknown as RJSFSchema;
    const module = await importValidatorModule(generateValidatorModule(CONDITIONAL_FORM));
    const validator = precompiledFormValidator(module, schema);
    const utils = createSchemaUtils(validator, schema);

    // The `then` branch applies only when period is "weeks".
    const weekly = utils.retrieveSchema(schema, { period: 'weeks' });
    expect(weekly.properties?.count).toMatchObject({ maximum: 4 });
    expect(utils.retrieveSchema(schema, { period: 'days' }).properties?.count).toMatchObject({
      maximum: 10,
    });
    // RJSF picks the option the data matches.
    const target = schema.properties!.target as RJSFSchema;
    const options = target.oneOf as RJSFSchema[];
    expect(utils.getClosestMatchingOption({ email: 'a@example.org' }, options, 0)).toBe(1);
    expect(utils.getDefaultFormState(schema, {})).toEqual({});

    const { errors } = validator.validateFormData(
      { period: 'weeks', count: 6, target: { email: 'not an address' }, notify: true },
      schema,
    );
    expect(errors.map((error) => [error.property, error.name])).toEqual(
      expect.arrayContaining([
        ['.count', 'maximum'],
        ['.target.email', 'format'],
        ['channel', 'dependencies'],
      ]),
    );
  });

  it("let RJSF drop hidden values of a schema dependency's oneOf once its property is set (the page did so on every change and stopped)", async () => {
    // The form-shape fixture's pattern: ticking "replaces a device" asks for the old asset tag.
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        replacesAsset: { type: 'boolean' },
        oldAssetTag: { type: 'string', maxLength: 9 },
      },
      dependencies: {
        replacesAsset: {
          oneOf: [
            { properties: { replacesAsset: { const: false } } },
            {
              properties: { replacesAsset: { const: true }, oldAssetTag: { pattern: '^AT-' } },
              required: ['oldAssetTag'],
            },
          ],
        },
      },
    };
    const module = await importValidatorModule(generateValidatorModule(schema));
    const rjsfSchema = schema as unknown as RJSFSchema;
    const utils = createSchemaUtils(precompiledFormValidator(module, rjsfSchema), rjsfSchema);
    for (const data of [
      { replacesAsset: true },
      { replacesAsset: true, oldAssetTag: 'AT-1' },
      { replacesAsset: false },
    ])
      expect(utils.omitExtraData(rjsfSchema, data)).toEqual(data);
  });

  it('refuse a schema whose checks would need a library module ScriptDesk does not bundle', () => {
    const schema = { $async: true, type: 'object', additionalProperties: false, properties: {} };
    expect(() => generateValidatorModule(schema)).toThrow(
      'the generated validator needs "ajv/dist/runtime/validation_error" at run time, which ScriptDesk does not bundle into validators; remove the keyword or format that asks for it',
    );
  });

  it('refuse to load a module of another format or without a check for the whole form', () => {
    expect(() => asValidatorModule({ format: 2, rootKey: 'a', validators: {} })).toThrow(
      'it is not a ScriptDesk validator module of format 1 (format 2); publish the catalogue again with this ScriptDesk version',
    );
    expect(() => asValidatorModule({ format: 1, rootKey: 'a', validators: {} })).toThrow(
      'the validator module has no validator for the whole form',
    );
  });
});
