import type { JsonObject } from '../../forms/schema-walk.js';
import { formFacts, LOWER_BOUNDS, UPPER_BOUNDS, type FieldFacts } from './form-facts.js';

/** Whether a change lets the form accept more, less, or neither can be said. */
export type Direction = 'loosened' | 'tightened' | 'changed';

/** One change of a form, in plain words. */
export interface FormChange {
  /** The field's label (`address.street`; `''` for the form itself). */
  field: string;
  kind:
    | 'field-added'
    | 'field-removed'
    | 'required-added'
    | 'required-removed'
    | 'rule'
    | 'choices'
    | 'type'
    | 'default'
    | 'sensitive-added'
    | 'sensitive-removed'
    | 'file'
    | 'title';
  /** The keyword concerned, for `rule` changes (`maxLength`, `pattern`, ...). */
  keyword?: string;
  direction: Direction;
  /** The sentence, without the field's name (the report puts it in front). */
  text: string;
}

/** Every change between two forms, field by field, in the order the fields are met. */
export function formChanges(oldSchema: JsonObject, newSchema: JsonObject): FormChange[] {
  const before = formFacts(oldSchema);
  const after = formFacts(newSchema);
  const changes: FormChange[] = [];
  // A field added or removed with its parts is one change: its parts are not listed again.
  const whole: string[] = [];
  const insideWhole = (label: string) =>
    whole.some((outer) => label.startsWith(`${outer}.`) || label.startsWith(`${outer}[`));
  for (const [label, facts] of after) {
    const old = before.get(label);
    if (insideWhole(label)) continue;
    if (!old) {
      if (label !== '') {
        changes.push(added(facts));
        whole.push(label);
      }
      continue;
    }
    changes.push(...fieldChanges(old, facts));
  }
  for (const [label, old] of before)
    if (!after.has(label) && label !== '' && !insideWhole(label)) {
      changes.push({
        field: label,
        kind: 'field-removed',
        direction: 'changed',
        text: `field removed${old.required ? ' (it was required)' : ''}`,
      });
      whole.push(label);
    }
  return changes;
}

function added(facts: FieldFacts): FormChange {
  const type = [...facts.types].join(' or ') || 'any value';
  const notes = [
    facts.required ? 'required' : facts.requiredSometimes ? 'required in some cases' : 'optional',
    type,
    facts.sensitive ? 'sensitive' : '',
    facts.file ? 'a file path' : '',
  ].filter(Boolean);
  return {
    field: facts.label,
    kind: 'field-added',
    direction: 'changed',
    text: `field added (${notes.join(', ')})`,
  };
}

function fieldChanges(old: FieldFacts, now: FieldFacts): FormChange[] {
  const changes: FormChange[] = [];
  const push = (change: Omit<FormChange, 'field'>) => changes.push({ field: now.label, ...change });
  if (old.required !== now.required)
    push(
      now.required
        ? { kind: 'required-added', direction: 'tightened', text: 'now required' }
        : { kind: 'required-removed', direction: 'loosened', text: 'no longer required' },
    );
  const typesAdded = [...now.types].filter((t) => !old.types.has(t));
  const typesRemoved = [...old.types].filter((t) => !now.types.has(t));
  if (old.types.size && !now.types.size)
    push({ kind: 'type', direction: 'loosened', text: `no longer limited to ${list(old.types)}` });
  else if (typesAdded.length && old.types.size)
    push({
      kind: 'type',
      direction: 'loosened',
      text: `now also accepts ${typesAdded.join(', ')}`,
    });
  if (typesRemoved.length && now.types.size)
    push({
      kind: 'type',
      direction: 'tightened',
      text: `no longer accepts ${typesRemoved.join(', ')}`,
    });
  for (const keyword of new Set([...old.rules.keys(), ...now.rules.keys()]))
    changes.push(...ruleChange(now.label, keyword, old.rules.get(keyword), now.rules.get(keyword)));
  changes.push(...choiceChanges(now.label, old.choices, now.choices));
  if (old.default !== now.default) {
    const shown = (value: string | undefined) => (value === undefined ? 'none' : value);
    push({
      kind: 'default',
      direction: 'changed',
      text:
        old.sensitive || now.sensitive
          ? 'default changed (values not shown: the field is sensitive)'
          : `default changed from ${shown(old.default)} to ${shown(now.default)}`,
    });
  }
  if (old.sensitive && !now.sensitive)
    push({
      kind: 'sensitive-removed',
      direction: 'loosened',
      text: 'no longer sensitive: its value will be shown on screen and kept in audit records in clear',
    });
  if (!old.sensitive && now.sensitive)
    push({
      kind: 'sensitive-added',
      direction: 'tightened',
      text: 'now sensitive (masked, redacted)',
    });
  changes.push(...fileChanges(now.label, old.file, now.file));
  if (!old.closed !== !now.closed)
    push({
      kind: 'rule',
      keyword: 'additionalProperties',
      direction: now.closed ? 'tightened' : 'loosened',
      text: now.closed
        ? 'no longer accepts keys it does not name'
        : 'now accepts keys it does not name',
    });
  if (old.title !== now.title && old.title !== undefined && now.title !== undefined)
    push({
      kind: 'title',
      direction: 'changed',
      text: `title changed from "${old.title}" to "${now.title}"`,
    });
  return changes;
}

function ruleChange(
  field: string,
  keyword: string,
  before: Set<string> | undefined,
  after: Set<string> | undefined,
): FormChange[] {
  const text = (values: Set<string>) => [...values].join(' or ');
  if (before && after && text(before) === text(after)) return [];
  const change = (direction: Direction, sentence: string): FormChange[] => [
    { field, kind: 'rule', keyword, direction, text: sentence },
  ];
  if (!after) return change('loosened', `${keyword} ${text(before!)} removed`);
  if (!before) return change('tightened', `${keyword} ${text(after)} added`);
  const lower = (LOWER_BOUNDS as readonly string[]).includes(keyword);
  const upper = (UPPER_BOUNDS as readonly string[]).includes(keyword);
  if (lower || upper) {
    // The most permissive figure any branch allows decides what the form can accept.
    const figures = (values: Set<string>) => [...values].map(Number);
    const loosest = (values: Set<string>) =>
      lower ? Math.min(...figures(values)) : Math.max(...figures(values));
    const [was, is] = [loosest(before), loosest(after)];
    const direction: Direction =
      was === is ? 'changed' : (lower ? is < was : is > was) ? 'loosened' : 'tightened';
    return change(
      direction,
      `${keyword} ${direction === 'changed' ? 'changed' : direction} from ${text(before)} to ${text(after)}`,
    );
  }
  // A pattern, format or multiple that changed may accept more or less: a person must look.
  return change('changed', `${keyword} changed from ${text(before)} to ${text(after)}`);
}

function choiceChanges(
  field: string,
  before: Set<string> | undefined,
  after: Set<string> | undefined,
): FormChange[] {
  if (!before && !after) return [];
  if (!after)
    return [
      {
        field,
        kind: 'choices',
        direction: 'loosened',
        text: `no longer limited to the choices ${list(before!)}`,
      },
    ];
  if (!before)
    return [
      {
        field,
        kind: 'choices',
        direction: 'tightened',
        text: `now limited to the choices ${list(after)}`,
      },
    ];
  const gained = [...after].filter((value) => !before.has(value));
  const lost = [...before].filter((value) => !after.has(value));
  const changes: FormChange[] = [];
  if (gained.length)
    changes.push({
      field,
      kind: 'choices',
      direction: 'loosened',
      text: `choices widened: now also ${gained.join(', ')}`,
    });
  if (lost.length)
    changes.push({
      field,
      kind: 'choices',
      direction: 'tightened',
      text: `choices narrowed: no longer ${lost.join(', ')}`,
    });
  return changes;
}

function fileChanges(
  field: string,
  before: JsonObject | undefined,
  after: JsonObject | undefined,
): FormChange[] {
  const change = (direction: Direction, text: string): FormChange[] => [
    { field, kind: 'file', direction, text },
  ];
  if (!before && !after) return [];
  if (!after)
    return change('changed', 'no longer a file path (main no longer checks it as a file)');
  if (!before)
    return change(
      'changed',
      `now a file path (${after.kind === 'directory' ? 'a folder' : 'a file'})`,
    );
  const changes: FormChange[] = [];
  if (before.kind !== after.kind)
    changes.push(
      ...change(
        'changed',
        `file kind changed from ${String(before.kind)} to ${String(after.kind)}`,
      ),
    );
  const extensions = (rule: JsonObject) =>
    Array.isArray(rule.accept) ? new Set(rule.accept.map(String)) : undefined;
  const [was, is] = [extensions(before), extensions(after)];
  if (was && !is) changes.push(...change('loosened', `accepts any file type (was ${list(was)})`));
  if (!was && is) changes.push(...change('tightened', `accepts only ${list(is)}`));
  if (was && is) {
    const gained = [...is].filter((e) => !was.has(e));
    const lost = [...was].filter((e) => !is.has(e));
    if (gained.length)
      changes.push(...change('loosened', `file types widened: now also ${gained.join(', ')}`));
    if (lost.length)
      changes.push(...change('tightened', `file types narrowed: no longer ${lost.join(', ')}`));
  }
  const size = (rule: JsonObject) => (typeof rule.maxBytes === 'number' ? rule.maxBytes : Infinity);
  if (size(before) !== size(after)) {
    const words = (n: number) => (n === Infinity ? 'no limit' : `${n} bytes`);
    changes.push(
      ...change(
        size(after) > size(before) ? 'loosened' : 'tightened',
        `largest file changed from ${words(size(before))} to ${words(size(after))}`,
      ),
    );
  }
  return changes;
}

function list(values: Set<string>): string {
  return [...values].join(', ');
}
