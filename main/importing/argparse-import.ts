import path from 'node:path';
import { SCRIPT_ID_PATTERN, type ArgTemplateEntry } from '../catalogue/manifest.js';
import { mapArgument } from './argparse-fields.js';
import type { ArgparseReading, ReadParser } from './argparse-reader.js';
import type { GeneratedScript, ImportedField, JsonObject } from './generated-script.js';
import { ImportRefused } from './import-refused.js';

/** What a member of a mutually exclusive group looks like when it was given. */
function givenSchema(field: ImportedField): JsonObject {
  const type = field.schema.type;
  if (type === 'boolean')
    return { required: [field.name], properties: { [field.name]: { const: true } } };
  if (type === 'array')
    return { required: [field.name], properties: { [field.name]: { minItems: 1 } } };
  return { required: [field.name] };
}

/** What a member looks like when it was left out, with the advice shown when it was not. */
function leftOutSchema(field: ImportedField, advice: string): JsonObject {
  const type = field.schema.type;
  if (type === 'boolean')
    return { properties: { [field.name]: { const: false, 'x-error': advice } } };
  if (type === 'array') return { properties: { [field.name]: { maxItems: 0, 'x-error': advice } } };
  return { properties: { [field.name]: { not: {}, 'x-error': advice } } };
}

/**
 * The constraints of one mutually exclusive group: when one member is given, every other must be
 * left out (an `if`/`then` per member, so the problem shows on the field that must go); a
 * required group also needs one of them (`anyOf`).
 */
function groupConstraints(
  members: ImportedField[],
  flags: Map<string, string>,
  required: boolean,
): JsonObject[] {
  const constraints: JsonObject[] = [];
  const listed = members.map((member) => flags.get(member.name)).join(', ');
  const advice = `${required ? 'Give exactly one' : 'Give at most one'} of ${listed}; they cannot be combined.`;
  for (const member of members) {
    const others = members.filter((other) => other !== member);
    const then: JsonObject = {
      allOf: others.map((other) => leftOutSchema(other, advice)),
    };
    constraints.push({ if: givenSchema(member), then });
  }
  if (required)
    constraints.push({
      anyOf: members.map((member) => ({ ...givenSchema(member), 'x-error': advice })),
    });
  return constraints;
}

/** A script id from a sub-command name: lower-case letters, digits and dashes. */
function idPart(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'command'
  );
}

/**
 * Turns the static reading of an argparse script into one generated script, or one per
 * sub-command (`ID-SUB`, the main parser's options and the sub-command's own, in the order argparse
 * wants them). Throws {@link ImportRefused} when there is nothing that could become a script.
 */
export function argparseScripts(
  reading: ArgparseReading,
  file: string,
  id: string,
  bytes: Buffer,
): GeneratedScript[] {
  const roots = reading.parsers.filter((parser) => parser.path.length === 0);
  const todos = reading.todos.map((todo) =>
    todo.line ? `line ${todo.line}: ${todo.text}` : todo.text,
  );
  if (roots.length > 1)
    todos.push(
      `the script builds ${roots.length} argument parsers; only the first (line ${roots[0]!.line}) was imported`,
    );
  const root = roots[0]!;
  const entryName = path.basename(file).replace(/[^A-Za-z0-9_.-]/g, '_');
  const leaves = leavesOf(root, reading.parsers);
  const ids = leaves.map((chain) => [id, ...chain.at(-1)!.path.map(idPart)].join('-'));
  const problems = ids.flatMap((scriptId, index) => {
    const sub = leaves[index]!.at(-1)!.path.join(' ');
    if (!SCRIPT_ID_PATTERN.test(scriptId))
      return [
        `${file}: the sub-command "${sub}" would be the script "${scriptId}", longer than 64 characters; choose a shorter --out`,
      ];
    if (ids.indexOf(scriptId) !== index)
      return [
        `${file}: the sub-commands "${leaves[ids.indexOf(scriptId)]!.at(-1)!.path.join(' ')}" and "${sub}" would both be the script "${scriptId}"; import one of them by hand`,
      ];
    return [];
  });
  if (problems.length) throw new ImportRefused(problems);
  return leaves.map((chain, index) => {
    const scriptTodos = [...todos];
    const taken = new Set<string>();
    const fields: ImportedField[] = [];
    const flags = new Map<string, string>();
    const options: ArgTemplateEntry[] = [];
    const positionals: ArgTemplateEntry[] = [];
    const constraints: JsonObject[] = [];
    let dryRun = false;
    chain.forEach((parser, depth) => {
      if (depth > 0) options.push({ command: parser.path.at(-1)! });
      const groupMembers = new Map<number, ImportedField[]>();
      for (const argument of parser.arguments) {
        const mapped = mapArgument(argument, taken, scriptTodos);
        if (mapped.kind === 'skipped') continue;
        if (mapped.kind === 'dry-run') {
          if (!dryRun) options.push(mapped.entry);
          dryRun = true;
          continue;
        }
        const passed = 'flag' in mapped.entry ? mapped.entry.flag : null;
        if (passed && options.some((option) => 'flag' in option && option.flag === passed)) {
          scriptTodos.push(
            `${argument.flags.join('/')} of "${parser.path.join(' ')}" repeats an option of the parser above it, which an argv template passes only once; it was left out`,
          );
          taken.delete(mapped.field.name);
          continue;
        }
        if (mapped.positional && depth < chain.length - 1) {
          scriptTodos.push(
            `the positional ${argument.flags[0]} comes before the sub-command, which the argv template cannot place; it was left out`,
          );
          taken.delete(mapped.field.name);
          continue;
        }
        fields.push(mapped.field);
        flags.set(
          mapped.field.name,
          'flag' in mapped.entry ? mapped.entry.flag : argument.flags[0]!,
        );
        (mapped.positional ? positionals : options).push(mapped.entry);
        if (argument.group !== null) {
          const members = groupMembers.get(argument.group) ?? [];
          members.push(mapped.field);
          groupMembers.set(argument.group, members);
        }
      }
      for (const [index, members] of groupMembers) {
        const required = parser.groups[index]?.required ?? false;
        // A required group's members are required only together; never one of them alone.
        for (const member of members) member.required = false;
        if (members.length > 1 || required)
          constraints.push(...groupConstraints(members, flags, required));
      }
    });
    const leaf = chain.at(-1)!;
    const names = leaf.path;
    const scriptId = ids[index]!;
    const description = typeof root.description === 'string' ? root.description.trim() : '';
    const subHelp = leaf.help ?? (typeof leaf.description === 'string' ? leaf.description : '');
    const command = [entryName, ...names].join(' ');
    return {
      id: scriptId,
      title: (names.length
        ? `${titleOf(description, entryName).slice(0, 80)}: ${names.join(' ')}`
        : titleOf(description, entryName)
      ).slice(0, 120),
      summary:
        // Without sub-commands the leaf is the root parser: its description once, not twice.
        [...new Set([subHelp.trim(), description].filter(Boolean))].join(' ').slice(0, 1000) ||
        `Runs ${command} with the options chosen in the form.`,
      entry: { name: entryName, bytes },
      fields,
      constraints,
      args: [...options, ...positionals],
      supportsDryRun: dryRun,
      packages: reading.imports,
      todos: scriptTodos,
      origin: `the argparse script ${path.basename(file)}${names.length ? ` (sub-command ${names.join(' ')})` : ''}`,
    };
  });
}

/** Every chain from the root to a parser without sub-commands (the root alone if it has none). */
function leavesOf(root: ReadParser, parsers: ReadParser[]): ReadParser[][] {
  const children = (parent: ReadParser) => parsers.filter((parser) => parser.parent === parent.id);
  const walk = (parser: ReadParser): ReadParser[][] => {
    const below = children(parser);
    if (below.length === 0) return [[parser]];
    return below.flatMap((child) => walk(child).map((chain) => [parser, ...chain]));
  };
  const chains = walk(root);
  if (chains.length > 50)
    throw new ImportRefused(
      `the script has ${chains.length} sub-commands; import at most 50 at a time`,
    );
  return chains;
}

function titleOf(text: string, fallback: string): string {
  const first =
    text
      .split(/(?<=[.!?])\s/)[0]
      ?.replace(/[.!?]$/, '')
      .trim() ?? '';
  const title = first || fallback;
  return title.length > 120 ? `${title.slice(0, 117)}…` : title;
}
