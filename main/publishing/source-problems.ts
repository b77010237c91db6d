/** One problem of a catalogue source: the file, and where in it, what and the fix. */
export interface SourceProblem {
  file: string;
  detail: string;
  /** Lines printed under the problem, already trimmed: a failing test's report. */
  output?: readonly string[];
}

/**
 * What is wrong with a catalogue source: every problem found, each one line naming the file, the
 * field or JSON Pointer, and the fix (`problems`), with the warnings found on the way. The message
 * is the lines joined, so a single problem reads as before: "file: detail".
 */
export class SourceError extends Error {
  readonly problems: readonly SourceProblem[];
  warnings: readonly SourceProblem[] = [];

  constructor(file: string, detail: string);
  constructor(problems: readonly SourceProblem[]);
  constructor(fileOrProblems: string | readonly SourceProblem[], detail = '') {
    const problems =
      typeof fileOrProblems === 'string' ? [{ file: fileOrProblems, detail }] : fileOrProblems;
    super(problems.map((problem) => `${problem.file}: ${problem.detail}`).join('\n'));
    this.name = 'SourceError';
    this.problems = problems;
  }

  /** The file of the first problem. */
  get file(): string {
    return this.problems[0]?.file ?? '';
  }
}

/** Where a script's problems and warnings are collected, so the build lists all of them. */
export interface Findings {
  errors: SourceProblem[];
  warnings: SourceProblem[];
}
