/** One line of a run's output as the log view shows it. */
export interface LogLine {
  /** Its number in the whole log, from 1. */
  seq: number;
  stream: 'stdout' | 'stderr';
  text: string;
  level: 'error' | 'warning' | null;
}

/** Lines in one page: what one `run.logLines` call asks for. */
export const PAGE_LINES = 500;
/** Pages kept: 40 × 500 = at most 20,000 lines in memory, however long the log. */
export const MAX_PAGES = 40;

interface Page {
  lines: (LogLine | undefined)[];
  /** The row count when it was fetched: a page read short is asked again once there are more. */
  fetchedAt: number;
  filled: number;
}

/**
 * A bounded cache of log pages by row (row 0 is the first line of the list shown: the whole log,
 * or only its errors and warnings). The least recently used page goes first; nothing is ever
 * held for the whole log.
 */
export class LogPages {
  private readonly pages = new Map<number, Page>();

  /** The line at `row`, if its page is here. */
  get(row: number): LogLine | undefined {
    return this.pages.get(Math.floor(row / PAGE_LINES))?.lines[row % PAGE_LINES];
  }

  /** Puts `lines` at rows `from`, `from + 1`, ...; `rows` is the row count they were read at. */
  put(from: number, lines: readonly LogLine[], rows: number): void {
    lines.forEach((line, i) => {
      const row = from + i;
      const page = this.page(Math.floor(row / PAGE_LINES), rows);
      if (page.lines[row % PAGE_LINES] === undefined) page.filled += 1;
      page.lines[row % PAGE_LINES] = line;
    });
  }

  /**
   * The pages rows `first` to `last` need from main: missing, or read short while the log was
   * shorter than `rows` says it is now. Marks them as used.
   */
  missing(first: number, last: number, rows: number): number[] {
    const wanted: number[] = [];
    for (let p = Math.floor(first / PAGE_LINES); p <= Math.floor(last / PAGE_LINES); p++) {
      const page = this.pages.get(p);
      const full = Math.min(PAGE_LINES, rows - p * PAGE_LINES);
      if (!page || (page.filled < full && page.fetchedAt < rows)) wanted.push(p);
      if (page) this.touch(p, page);
    }
    return wanted;
  }

  /** Notes that page `p` was asked for at `rows` (so it is not asked again until there are more). */
  asked(p: number, rows: number): void {
    this.page(p, rows).fetchedAt = rows;
  }

  clear(): void {
    this.pages.clear();
  }

  get size(): number {
    return this.pages.size;
  }

  private page(p: number, rows: number): Page {
    let page = this.pages.get(p);
    if (!page) {
      page = { lines: [], fetchedAt: rows, filled: 0 };
      this.pages.set(p, page);
      while (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value!);
    }
    return page;
  }

  private touch(p: number, page: Page): void {
    this.pages.delete(p);
    this.pages.set(p, page);
  }
}
