import type { z } from 'zod';

/** Why an import wrote nothing: one line per problem, each naming the file and the fix. */
export class ImportRefused extends Error {
  override name = 'ImportRefused';
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.length === 1 ? list[0]! : `${list.length} problems; nothing was written`);
    this.problems = list;
  }
}

/**
 * One problem line per issue of an entry that did not parse: `at`, the path inside the entry, and
 * what is wrong ("is missing" for an absent field), then `fix`.
 */
export function entryProblems(at: string, error: z.ZodError, fix: string): string[] {
  return error.issues.map(
    (issue) =>
      `${at}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message.includes('received undefined') ? 'is missing' : issue.message}; ${fix}`,
  );
}
