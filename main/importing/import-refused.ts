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
