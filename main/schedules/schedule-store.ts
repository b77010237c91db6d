import {
  ScheduleRuleSchema,
  type MissedPolicy,
  type ScheduleRule,
} from '../contract/schedule-api.js';
import type { PresetSource } from '../presets/preset-store.js';
import type { Db } from '../storage/database.js';

/** Why a schedule does not fire, and who paused it. */
export interface SchedulePause {
  by: 'user' | 'scriptdesk';
  reason: string;
  at: string;
}

/** A schedule as the database keeps it. */
export interface StoredSchedule {
  id: string;
  scriptId: string;
  preset: { source: PresetSource; name: string };
  rule: ScheduleRule;
  timeZone: string;
  missedPolicy: MissedPolicy;
  /** The reason or ticket every run gives (scripts that ask for one). */
  reason: string | null;
  /** The user confirmed unattended real runs of a destructive script. */
  confirmed: boolean;
  paused: SchedulePause | null;
  createdAt: string;
  /** Every time of the rule up to this instant (ISO) has been acted on. */
  checkedUntil: string;
  lastRunId: string | null;
  /** Why the last attempt started no run, or null. */
  lastProblem: string | null;
}

/** Most schedules one user keeps: each one is a timer and a row in the list. */
export const MAX_SCHEDULES = 100;

interface Row {
  id: string;
  script_id: string;
  preset_source: PresetSource;
  preset_name: string;
  rule: string;
  time_zone: string;
  missed_policy: MissedPolicy;
  reason: string | null;
  confirmed: number;
  paused: string | null;
  created_at: string;
  checked_until: string;
  last_run_id: string | null;
  last_problem: string | null;
}

/**
 * A row written by this or an older ScriptDesk, read back; a rule this version cannot read pauses
 * the schedule with the reason rather than failing the whole list.
 */
function fromRow(row: Row): StoredSchedule {
  const rule = ScheduleRuleSchema.safeParse(safeJson(row.rule));
  const paused = row.paused === null ? null : (safeJson(row.paused) as SchedulePause | null);
  return {
    id: row.id,
    scriptId: row.script_id,
    preset: { source: row.preset_source, name: row.preset_name },
    rule: rule.success ? rule.data : { kind: 'daily', time: '00:00' },
    timeZone: row.time_zone,
    missedPolicy: row.missed_policy,
    reason: row.reason,
    confirmed: row.confirmed === 1,
    paused: rule.success
      ? paused
      : {
          by: 'scriptdesk',
          reason:
            'Its times cannot be read by this version of ScriptDesk; delete it and schedule the script again.',
          at: row.created_at,
        },
    createdAt: row.created_at,
    checkedUntil: row.checked_until,
    lastRunId: row.last_run_id,
    lastProblem: row.last_problem,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The user's schedules in the app's SQLite database (the home is per user). */
export class ScheduleStore {
  constructor(private readonly db: Db) {}

  list(): StoredSchedule[] {
    return this.db
      .prepare<[], Row>('SELECT * FROM schedules ORDER BY created_at, id')
      .all()
      .map(fromRow);
  }

  get(id: string): StoredSchedule | null {
    const row = this.db.prepare<[string], Row>('SELECT * FROM schedules WHERE id = ?').get(id);
    return row ? fromRow(row) : null;
  }

  /** Adds a schedule; false when the user already has {@link MAX_SCHEDULES}. */
  insert(schedule: StoredSchedule): boolean {
    return this.db.transaction(() => {
      const { n } = this.db
        .prepare<[], { n: number }>('SELECT count(*) AS n FROM schedules')
        .get()!;
      if (n >= MAX_SCHEDULES) return false;
      this.db
        .prepare(
          `INSERT INTO schedules (id, script_id, preset_source, preset_name, rule, time_zone, missed_policy, reason, confirmed, paused, created_at, checked_until, last_run_id, last_problem)
           VALUES (@id, @scriptId, @presetSource, @presetName, @rule, @timeZone, @missedPolicy, @reason, @confirmed, @paused, @createdAt, @checkedUntil, @lastRunId, @lastProblem)`,
        )
        .run({
          ...schedule,
          preset: undefined,
          presetSource: schedule.preset.source,
          presetName: schedule.preset.name,
          rule: JSON.stringify(schedule.rule),
          confirmed: schedule.confirmed ? 1 : 0,
          paused: schedule.paused ? JSON.stringify(schedule.paused) : null,
        });
      return true;
    })();
  }

  /** Pauses (with why) or resumes a schedule; a resumed one acts only on times from `now` on. */
  setPaused(id: string, paused: SchedulePause | null, now: string): boolean {
    const sql = paused
      ? 'UPDATE schedules SET paused = ? WHERE id = ?'
      : 'UPDATE schedules SET paused = NULL, checked_until = ? WHERE id = ?';
    return this.db.prepare(sql).run(paused ? JSON.stringify(paused) : now, id).changes > 0;
  }

  /**
   * Records that the schedule's times up to `until` were acted on, and what came of the last one
   * (a run, or why none started). Written before the run starts: a crash right after loses that
   * one run rather than repeating it at the next start.
   */
  checked(
    id: string,
    until: string,
    outcome?: { runId: string } | { problem: string | null },
  ): void {
    if (!outcome) {
      this.db.prepare('UPDATE schedules SET checked_until = ? WHERE id = ?').run(until, id);
    } else if ('runId' in outcome) {
      this.db
        .prepare(
          'UPDATE schedules SET checked_until = ?, last_run_id = ?, last_problem = NULL WHERE id = ?',
        )
        .run(until, outcome.runId, id);
    } else {
      this.db
        .prepare('UPDATE schedules SET checked_until = ?, last_problem = ? WHERE id = ?')
        .run(until, outcome.problem, id);
    }
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes > 0;
  }
}
