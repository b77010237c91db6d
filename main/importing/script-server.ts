import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ArgTemplateEntry } from '../catalogue/manifest.js';
import {
  fieldName,
  titleFromName,
  type GeneratedScript,
  type ImportedField,
  type JsonObject,
} from './generated-script.js';
import { entryProblems, ImportRefused } from './import-refused.js';
import { stubEntry } from './stub-entry.js';

/** script-server's parameter types (`parameters[].type`; absent means text). */
const TYPES = [
  'text',
  'int',
  'list',
  'multiselect',
  'editable_list',
  'file_upload',
  'server_file',
  'ip',
  'ip4',
  'ip6',
  'multiline_text',
] as const;
const FLAG = /^--?[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const ParameterSchema = z
  .object({
    name: z.string().min(1),
    type: z.string().optional(),
    param: z.string().optional(),
    no_value: z.boolean().optional(),
    description: z.string().optional(),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    secure: z.boolean().optional(),
    constant: z.boolean().optional(),
    min: z.union([z.number(), z.string()]).optional(),
    max: z.union([z.number(), z.string()]).optional(),
    max_length: z.number().optional(),
    regex: z.object({ pattern: z.string(), description: z.string().optional() }).optional(),
    values: z.unknown().optional(),
    multiselect_argument_type: z.string().optional(),
    same_arg_param: z.boolean().optional(),
    pass_as: z.string().optional(),
    file_extensions: z.array(z.string()).optional(),
    file_dir: z.string().optional(),
    file_type: z.string().optional(),
  })
  .passthrough();
type Parameter = z.infer<typeof ParameterSchema>;

const ConfigSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  script_path: z.union([z.string(), z.array(z.string())]),
  parameters: z.array(z.unknown()).optional(),
});

function num(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function staticValues(parameter: Parameter, todos: string[]): string[] | null {
  if (Array.isArray(parameter.values)) return parameter.values.map(String);
  todos.push(
    `${parameter.name}: its values come from a script run by script-server, which ScriptDesk does not do; the form takes free text, list the values by hand as "enum"`,
  );
  return null;
}

function fieldOf(
  parameter: Parameter,
  name: string,
  type: (typeof TYPES)[number],
  todos: string[],
): ImportedField {
  const schema: JsonObject = {
    title: titleFromName(parameter.name),
    ...(parameter.description ? { description: parameter.description } : {}),
  };
  const ui: JsonObject = {};
  if (parameter.no_value) {
    Object.assign(schema, {
      type: 'boolean',
      default: parameter.default === true || parameter.default === 'true',
    });
    return { name, schema, required: false };
  }
  switch (type) {
    case 'int':
      schema.type = 'integer';
      if (num(parameter.min) !== undefined) schema.minimum = num(parameter.min);
      if (num(parameter.max) !== undefined) schema.maximum = num(parameter.max);
      break;
    case 'list': {
      schema.type = 'string';
      const values = staticValues(parameter, todos);
      if (values) schema.enum = values;
      break;
    }
    case 'multiselect': {
      const values = staticValues(parameter, todos);
      Object.assign(schema, {
        type: 'array',
        items: values ? { type: 'string', enum: values } : { type: 'string' },
        uniqueItems: true,
      });
      if (values) ui['ui:widget'] = 'checkboxes';
      break;
    }
    case 'file_upload':
    case 'server_file': {
      const kind = parameter.file_type === 'dir' ? 'directory' : 'file';
      const accept = (parameter.file_extensions ?? []).map(
        (ext) => `.${ext.replace(/^\./, '').toLowerCase()}`,
      );
      Object.assign(schema, {
        type: 'string',
        'x-file': { kind, ...(accept.length && kind === 'file' ? { accept } : {}) },
      });
      ui['ui:widget'] = 'path';
      if (parameter.file_dir)
        todos.push(
          `${parameter.name}: script-server offered only files under ${parameter.file_dir}; ScriptDesk lets the analyst choose any ${kind} on their computer${accept.length ? ` ending in ${accept.join(', ')}` : ''}`,
        );
      if (type === 'file_upload')
        todos.push(
          `${parameter.name}: script-server uploaded the file; ScriptDesk passes the path of the file the analyst chose on this computer`,
        );
      break;
    }
    case 'ip':
    case 'ip4':
    case 'ip6':
      schema.type = 'string';
      if (type === 'ip') schema.anyOf = [{ format: 'ipv4' }, { format: 'ipv6' }];
      else schema.format = type === 'ip4' ? 'ipv4' : 'ipv6';
      break;
    case 'editable_list':
      schema.type = 'string';
      if (Array.isArray(parameter.values))
        todos.push(
          `${parameter.name}: an editable list; the form takes free text (script-server suggested ${parameter.values.map(String).join(', ')})`,
        );
      break;
    default:
      schema.type = 'string';
      if (type === 'multiline_text') ui['ui:widget'] = 'textarea';
  }
  if (schema.type === 'string' && parameter.max_length !== undefined)
    schema.maxLength = parameter.max_length;
  if (schema.type === 'string' && parameter.regex) {
    schema.pattern = parameter.regex.pattern;
    if (parameter.regex.description) schema['x-error'] = { pattern: parameter.regex.description };
  }
  if (parameter.secure) {
    schema['x-sensitive'] = true;
    ui['ui:widget'] = 'password';
  }
  if (parameter.default !== undefined && parameter.default !== null && parameter.default !== '') {
    const value =
      schema.type === 'integer'
        ? Number(parameter.default)
        : schema.type === 'array'
          ? [parameter.default].flat().map(String)
          : parameter.default;
    if (parameter.constant) {
      schema.const = value;
      schema.default = value;
      ui['ui:widget'] = 'hidden';
    } else if (typeof parameter.default !== 'object' || schema.type === 'array')
      schema.default = value;
    else
      todos.push(
        `${parameter.name}: the default is computed by script-server (${JSON.stringify(parameter.default)}); the form has none`,
      );
  } else if (parameter.constant)
    todos.push(`${parameter.name}: a constant without a value; give it a "const"`);
  return {
    name,
    schema,
    required: parameter.required === true || parameter.constant === true,
    ...(Object.keys(ui).length ? { ui } : {}),
  };
}

/** The Python file `script_path` names, when it is one and can be read next to the config. */
async function scriptFile(
  config: z.infer<typeof ConfigSchema>,
  file: string,
): Promise<{ name: string; bytes: Buffer } | null> {
  const parts =
    typeof config.script_path === 'string'
      ? config.script_path.trim().split(/\s+/)
      : (config.script_path ?? []);
  const script = parts.find((part) => part.endsWith('.py'));
  if (!script) return null;
  try {
    return {
      name: path.basename(script),
      bytes: await readFile(path.resolve(path.dirname(file), script)),
    };
  } catch {
    return null;
  }
}

/**
 * Converts a script-server runner config (`{ name, script_path, description, parameters }`) into
 * a script folder: parameters become fields, `param` flags the argv template (script-server's
 * `--x value` becomes `--x=value`), parameters without `param` positionals.
 */
export async function scriptServerScript(
  file: string,
  id: string,
  bytes: Buffer,
): Promise<GeneratedScript> {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ImportRefused(
      `${file}: is not JSON (${(error as Error).message}); give a script-server runner config (conf/runners/NAME.json)`,
    );
  }
  const config = ConfigSchema.safeParse(document);
  if (
    !config.success ||
    typeof document !== 'object' ||
    document === null ||
    Array.isArray(document)
  )
    throw new ImportRefused(
      `${file}: is not a script-server runner config: it needs "script_path" and a "parameters" list; give a file from conf/runners/`,
    );
  const problems: string[] = [];
  const parameters: { parameter: Parameter; type: (typeof TYPES)[number] }[] = [];
  (config.data.parameters ?? []).forEach((raw, index) => {
    const at = `${file}: parameters[${index}]`;
    const parsed = ParameterSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...entryProblems(at, parsed.error, 'fix the parameter'));
      return;
    }
    const type = parsed.data.type ?? 'text';
    if (!(TYPES as readonly string[]).includes(type))
      problems.push(
        `${at} ("${parsed.data.name}"): unknown parameter type "${type}"; use one of ${TYPES.join(', ')}`,
      );
    else if (parsed.data.param !== undefined && !FLAG.test(parsed.data.param.replace(/=$/, '')))
      problems.push(
        `${at} ("${parsed.data.name}"): the param "${parsed.data.param}" is not an option like --name or -n; rename it`,
      );
    else if (
      parsed.data.param !== undefined &&
      parameters.some(({ parameter }) => parameter.param === parsed.data.param)
    )
      problems.push(
        `${at} ("${parsed.data.name}"): the param "${parsed.data.param}" is already another parameter's; give each parameter its own`,
      );
    else parameters.push({ parameter: parsed.data, type: type as (typeof TYPES)[number] });
  });
  if (problems.length) throw new ImportRefused(problems);
  const todos: string[] = [];
  const taken = new Set<string>();
  const fields: ImportedField[] = [];
  const options: ArgTemplateEntry[] = [];
  const positionals: ArgTemplateEntry[] = [];
  for (const { parameter, type } of parameters) {
    // The long option names the field as the script knows it; a short one says too little.
    const wanted = parameter.param?.startsWith('--')
      ? parameter.param.replace(/^-+|=$/g, '')
      : parameter.name.toLowerCase();
    const field = fieldOf(parameter, fieldName(wanted, taken), type, todos);
    fields.push(field);
    if (parameter.pass_as === 'env_variable' || parameter.pass_as === 'stdin') {
      todos.push(
        `${parameter.name}: script-server passed it ${parameter.pass_as === 'stdin' ? 'on stdin' : 'as an environment variable'}; the script finds it in $SCRIPTDESK_INPUTS instead`,
      );
      continue;
    }
    if (parameter.secure) {
      todos.push(
        `${parameter.name}: a secure value never goes on the command line here (other users could read it); the script finds it in $SCRIPTDESK_INPUTS, or make it a ScriptDesk secret`,
      );
      continue;
    }
    if (
      type === 'multiselect' &&
      (parameter.multiselect_argument_type ?? 'single_argument') !== 'repeat_param_value' &&
      parameter.param
    )
      todos.push(
        `${parameter.name}: script-server passed the selection ${parameter.multiselect_argument_type === 'argument_per_value' ? 'as values after one option' : `joined by "${parameter.separator ?? ','}"`}; the form passes ${parameter.param}=value once per value`,
      );
    if (parameter.param)
      options.push({ flag: parameter.param.replace(/=$/, ''), input: field.name });
    else positionals.push({ positional: field.name });
  }
  if (positionals.length)
    todos.push(
      'parameters without "param" are passed after "--" (so a value starting with "-" stays a value); check the script accepts that',
    );
  const entry = await scriptFile(config.data, file);
  if (!entry)
    todos.push(
      `the script (script_path ${JSON.stringify(config.data.script_path ?? '')}) was not found next to ${path.basename(file)}; replace the stub main.py with it and set "entrypoint"`,
    );
  const name = config.data.name?.trim() || titleFromName(id);
  return {
    id,
    title: name.slice(0, 120),
    summary: (config.data.description?.trim() || `Runs the script-server script "${name}".`).slice(
      0,
      1000,
    ),
    entry: entry ?? {
      name: 'main.py',
      bytes: stubEntry(`the script-server config ${path.basename(file)}`),
    },
    fields,
    constraints: [],
    args: [...options, ...positionals],
    supportsDryRun: false,
    packages: [],
    todos,
    origin: `the script-server config ${path.basename(file)}`,
  };
}
