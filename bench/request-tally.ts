/** Request counts read from the catalogue server's access log. */
export interface RequestCounts {
  requests: number;
  /** Of which `GET /blobs/sha256/<hex>`. */
  blobs: number;
  /** Body bytes the server sent. */
  bytes: number;
}

/**
 * Counts the lines `startServer({ verbose: true, log })` writes, one per finished response
 * (`GET /path 200 1234`), between two calls of {@link take}. Any other line is a server failure.
 */
export class RequestTally {
  private counts: RequestCounts = { requests: 0, blobs: 0, bytes: 0 };
  private readonly failures: string[] = [];

  readonly log = (line: string): void => {
    const access = /^\S+ (\S+) (\d{3}) (\S+)$/.exec(line);
    if (!access || access[2]!.startsWith('5')) {
      this.failures.push(line);
      return;
    }
    this.counts.requests++;
    if (access[1]!.startsWith('/blobs/')) this.counts.blobs++;
    this.counts.bytes += Number(access[3]) || 0;
  };

  /** The counts since the last call; throws if the server logged a failure. */
  async take(): Promise<RequestCounts> {
    // A response is logged when it closes, a tick after the client may already have its body.
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.failures.length) throw new Error(`the server failed: ${this.failures.join('; ')}`);
    const counts = this.counts;
    this.counts = { requests: 0, blobs: 0, bytes: 0 };
    return counts;
  }
}
