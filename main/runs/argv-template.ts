import type { ArgTemplateEntry } from '../catalogue/manifest.js';

/**
 * Builds a script's command-line arguments from its argv template. Every value travels inside the
 * same argument as its option (`--month=2026-01`), so no value — whatever it starts with — can be
 * read as an option; positionals follow a `--`, which argparse and most parsers honour as "only
 * values from here". A sub-command name stays where the template puts it among the options, as
 * argparse wants: the main parser's options before it, the sub-command's after it. Without a template the script gets no arguments at all.
 */
export function buildArgs(
  template: readonly ArgTemplateEntry[] | undefined,
  inputs: Record<string, unknown>,
  dryRun: boolean,
): string[] {
  if (!template) return [];
  const options: string[] = [];
  const positionals: string[] = [];
  for (const entry of template) {
    if ('command' in entry) {
      options.push(entry.command);
    } else if ('dryRun' in entry) {
      if (dryRun) options.push(entry.flag);
    } else if ('flag' in entry) {
      const value = inputs[entry.input];
      if (typeof value === 'boolean') {
        if (value) options.push(entry.flag);
      } else {
        for (const item of valuesOf(value)) options.push(`${entry.flag}=${item}`);
      }
    } else {
      positionals.push(...valuesOf(inputs[entry.positional]));
    }
  }
  return positionals.length ? [...options, '--', ...positionals] : options;
}

/** The text(s) of one input: nothing when absent or empty, one per item for a list. */
function valuesOf(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.flatMap((item) => valuesOf(item));
  if (typeof value === 'object') return [JSON.stringify(value)];
  return [String(value)];
}

/**
 * Problems with an argv template against the form schema's top-level fields and the manifest: an
 * input that is not a field, a sensitive input put on the command line (where every user of the
 * computer can read it, e.g. with `ps`), an option used twice, a dry-run option on a script that
 * does not support dry runs. Each names the entry and the fix.
 */
export function checkArgTemplate(
  template: readonly ArgTemplateEntry[],
  fields: ReadonlySet<string>,
  supportsDryRun: boolean,
  sensitive: ReadonlySet<string> = new Set(),
): string[] {
  const problems: string[] = [];
  const flags = new Set<string>();
  template.forEach((entry, index) => {
    const at = `field \`args.${index}\``;
    const input = 'input' in entry ? entry.input : 'positional' in entry ? entry.positional : null;
    if (input !== null && !fields.has(input))
      problems.push(
        `${at} names the input "${input}", which form.schema.json does not declare; use one of its top-level properties`,
      );
    if (input !== null && sensitive.has(input))
      problems.push(
        `${at} puts the x-sensitive input "${input}" on the command line, where other users of the computer can read it; let the script read it from the inputs file ($SCRIPTDESK_INPUTS) instead`,
      );
    if ('flag' in entry) {
      if (flags.has(entry.flag))
        problems.push(`${at} uses the option ${entry.flag} a second time; give each option once`);
      flags.add(entry.flag);
    }
    if ('dryRun' in entry && !supportsDryRun)
      problems.push(
        `${at} passes ${entry.flag} for dry runs but \`supportsDryRun\` is false; set it to true or remove the entry`,
      );
  });
  return problems;
}
