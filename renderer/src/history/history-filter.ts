import type { MethodInput, RunStatus } from '../../../main/contract/api.js';

/** The choices of History's status filter: groups a user thinks in, then every status. */
export const STATUS_CHOICES = {
  any: { label: 'Any status', statuses: undefined },
  succeeded: { label: 'Succeeded', statuses: ['succeeded', 'expected'] },
  problem: {
    label: 'Did not succeed',
    statuses: ['failed', 'retriable', 'timeout', 'output_limit', 'interrupted', 'cancelled'],
  },
  active: { label: 'Running or waiting', statuses: ['running', 'queued'] },
} as const satisfies Record<string, { label: string; statuses: readonly RunStatus[] | undefined }>;
export type StatusChoice = keyof typeof STATUS_CHOICES;

/** What the History filter bar holds, as the user set it (dates as the date inputs give them). */
export interface HistoryFilter {
  text: string;
  /** A script id, or '' for every script. */
  scriptId: string;
  status: StatusChoice;
  /** 'dry': dry runs only; 'real': real runs only. */
  kind: 'any' | 'dry' | 'real';
  /** `YYYY-MM-DD` in the user's time zone, or ''. Both days are included. */
  from: string;
  to: string;
}

export const NO_FILTER: HistoryFilter = {
  text: '',
  scriptId: '',
  status: 'any',
  kind: 'any',
  from: '',
  to: '',
};

export const PAGE_SIZES = [25, 50, 100] as const;

/** True when the filter narrows anything. */
export function isFiltered(filter: HistoryFilter): boolean {
  return (Object.keys(NO_FILTER) as (keyof HistoryFilter)[]).some(
    (key) => filter[key] !== NO_FILTER[key],
  );
}

/** The start of a local calendar day (`YYYY-MM-DD`) plus `days`, as an ISO instant; undefined if not a date. */
function localDayStart(day: string, days = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The `run.list` call for a filter and page: only what narrows is sent. */
export function listInput(
  filter: HistoryFilter,
  page: number,
  pageSize: number,
): MethodInput<'run.list'> {
  const text = filter.text.trim();
  const statuses = STATUS_CHOICES[filter.status].statuses;
  const startedFrom = localDayStart(filter.from);
  // The "to" day is included: runs before the start of the next day.
  const startedBefore = localDayStart(filter.to, 1);
  return {
    limit: pageSize,
    offset: page * pageSize,
    ...(text ? { text: text.slice(0, 200) } : {}),
    ...(filter.scriptId ? { scriptId: filter.scriptId } : {}),
    ...(statuses ? { statuses: [...statuses] } : {}),
    ...(filter.kind === 'any' ? {} : { dryRun: filter.kind === 'dry' }),
    ...(startedFrom ? { startedFrom } : {}),
    ...(startedBefore ? { startedBefore } : {}),
  };
}

/**
 * What History showed last, kept while the app is open: coming back from a run opens the same
 * search, filters and page, as a browser's back button would.
 */
export const remembered: { filter: HistoryFilter; page: number; pageSize: number } = {
  filter: NO_FILTER,
  page: 0,
  pageSize: 50,
};
