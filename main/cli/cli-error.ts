/** An error the CLI reports as one line on stderr (and detail lines under it), with an exit code. */
export class CliError extends Error {
  /** Lines printed under the message, each on its own: field errors, hints. */
  readonly details: readonly string[];

  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown; details?: readonly string[] },
  ) {
    super(message, options);
    this.name = 'CliError';
    this.details = options?.details ?? [];
  }
}
