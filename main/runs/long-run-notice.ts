import type { EventPayload, RunStatus, RunSummary } from '../contract/api.js';

/** What the user is told when a long run ends (the `run.notice` event). */
export type RunNotice = EventPayload<'run.notice'>;

/**
 * The outcome in a few words, for a notification seen outside the app. Null for the endings the
 * user does not need telling about: a run they cancelled themselves, and runs a crash of
 * ScriptDesk left behind (found at the next start, long after anyone was waiting).
 */
const OUTCOME: Record<RunStatus, string | null> = {
  queued: null,
  running: null,
  succeeded: 'finished',
  expected: 'finished with an expected outcome',
  retriable: 'could not finish: try again later',
  failed: 'failed',
  timeout: 'was stopped: it ran out of time',
  cancelled: null,
  output_limit: 'was stopped: it wrote too much output',
  interrupted: null,
};

/** The longest script title a notification carries (the OS cuts longer lines anyway). */
const MAX_TITLE_CHARS = 80;

/**
 * Whether the end of `run` is worth telling the user about, and in which words: only when they
 * want it (`notify`), the run has ended in an outcome they are waiting for, and it ran (start to
 * end) for longer than `longRunSeconds`. The words hold the script's title (from the signed
 * catalogue) and the outcome, never inputs, output or a message the script wrote.
 */
export function longRunNotice(
  run: RunSummary,
  options: { notify: boolean; longRunSeconds: number },
): RunNotice | null {
  if (!options.notify || run.finishedAt === null) return null;
  const outcome = OUTCOME[run.status];
  if (outcome === null) return null;
  const took = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  if (!Number.isFinite(took) || took <= options.longRunSeconds * 1000) return null;
  const title = plainTitle(run.title) || run.scriptId;
  return {
    runId: run.runId,
    status: run.status,
    title: `${title} ${outcome}`,
    body: `${run.dryRun ? 'Dry run, took' : 'Took'} ${formatTook(took)}. Select to open the run in ScriptDesk.`,
  };
}

/** The title on one line, without control or invisible format characters, cut to a readable length. */
function plainTitle(title: string): string {
  const plain = title
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > MAX_TITLE_CHARS ? `${plain.slice(0, MAX_TITLE_CHARS - 1)}…` : plain;
}

/** "12 s", "3 min 5 s", "1 h 2 min". */
function formatTook(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
