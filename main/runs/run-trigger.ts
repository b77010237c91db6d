/**
 * What asked for a run: a person (the app's Run, the CLI's `scriptdesk run`) or a schedule. Main
 * decides it, never the renderer: `run.start` is always a person's; a schedule's runs come from
 * the scheduler in main, through the same admission, journal and runner.
 */
export type RunTrigger =
  | { kind: 'user' }
  | {
      kind: 'schedule';
      scheduleId: string;
      /** The time the schedule was due (ISO). */
      dueAt: string;
      /** True when it runs for times passed while the computer was off or asleep. */
      late: boolean;
      /** How many passed times this run stands in for (the `run-once` missed policy). */
      catchingUp: number;
    };

/** A person asked for the run. */
export const USER_TRIGGER: RunTrigger = { kind: 'user' };

/** The trigger's fields of the `run.requested` and `run.refused` audit records. */
export function triggerRecord(trigger: RunTrigger): Record<string, unknown> {
  if (trigger.kind === 'user') return { trigger: 'user' };
  const { scheduleId, dueAt, late, catchingUp } = trigger;
  return { trigger: 'schedule', scheduleId, dueAt, late, catchingUp };
}

/** The schedule that asked for a run, or null. */
export function scheduleOf(trigger: RunTrigger): string | null {
  return trigger.kind === 'schedule' ? trigger.scheduleId : null;
}
