/** One line of a run's output as the log panel shows it. */
export interface LogLine {
  /** The line's number in the whole log (from 1): the order, the React key, and how gaps are found. */
  seq: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** How many lines the log panel keeps; older ones are dropped (the whole log is in the run folder). */
export const MAX_LOG_LINES = 2000;

/** Longest line shown in full; a longer one is cut so one huge line cannot stall the window. */
export const MAX_LINE_CHARS = 4000;

/** stderr lines in the log file (and so in `run.get`'s `logTail`) start with this. */
const STDERR_PREFIX = '! ';

/**
 * The lines of `run.get`'s `logTail` with their numbers: the last one is `logSeq`, the ones
 * before count down from it. stderr lines lose their "! " prefix and are marked as stderr instead.
 */
export function tailLines(logTail: readonly string[], logSeq: number): LogLine[] {
  const first = logSeq - logTail.length + 1;
  return logTail.map((raw, index) => {
    const stderr = raw.startsWith(STDERR_PREFIX);
    return {
      seq: first + index,
      stream: stderr ? 'stderr' : 'stdout',
      text: stderr ? raw.slice(STDERR_PREFIX.length) : raw,
    };
  });
}

/**
 * The lines of one `run.log` event. The lines main `omitted` from a batch keep their numbers, so
 * they show as a jump in `seq` before the batch's first line — and stop showing as missing if a
 * later `run.get` tail fills them in, which a count carried on the line could not follow.
 */
export function eventLines(
  lines: readonly { seq: number; stream: 'stdout' | 'stderr'; line: string }[],
): LogLine[] {
  return lines.map((line) => ({ seq: line.seq, stream: line.stream, text: line.line }));
}

/**
 * `current` and `incoming` merged in `seq` order without duplicates (a line already shown is
 * kept as it is), keeping only the newest `max`. Both sources are in `seq` order; the usual case
 * — every incoming line is newer — is a plain append.
 */
export function mergeLines(
  current: readonly LogLine[],
  incoming: readonly LogLine[],
  max: number = MAX_LOG_LINES,
): LogLine[] {
  if (incoming.length === 0) return current as LogLine[];
  const last = current.at(-1)?.seq ?? 0;
  let merged: LogLine[];
  if (incoming[0]!.seq > last) {
    merged = current.concat(incoming);
  } else {
    merged = [];
    let i = 0;
    let j = 0;
    while (i < current.length || j < incoming.length) {
      const a = current[i];
      const b = incoming[j];
      if (b === undefined || (a !== undefined && a.seq <= b.seq)) {
        if (b !== undefined && a!.seq === b.seq) j += 1;
        merged.push(a!);
        i += 1;
      } else {
        merged.push(b);
        j += 1;
      }
    }
  }
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

/**
 * How many lines are missing just before `lines[index]`, from the jump in `seq`: for the first
 * shown line, every earlier line of the log; for the others, lines main omitted from a batch (or
 * that were missed while the event stream was away and are older than `run.get`'s tail).
 */
export function hiddenBefore(lines: readonly LogLine[], index: number): number {
  const line = lines[index];
  if (!line) return 0;
  const previous = index === 0 ? 0 : lines[index - 1]!.seq;
  return Math.max(0, line.seq - previous - 1);
}

/** The marker shown where lines are missing, e.g. "… 12,345 lines not shown; …". */
export function hiddenMarker(count: number, earlier: boolean): string {
  const number = count.toLocaleString();
  const noun = count === 1 ? 'line' : 'lines';
  return `… ${number} ${earlier ? `earlier ${noun}` : noun} not shown; the full log is in the run folder`;
}

/** A line cut to {@link MAX_LINE_CHARS}, saying how much was left out. */
export function displayText(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  const rest = text.length - MAX_LINE_CHARS;
  return `${text.slice(0, MAX_LINE_CHARS)} … (${rest.toLocaleString()} more characters; the full line is in the run folder)`;
}
