import { PreferencesSchema, type Preferences } from '../contract/api.js';
import type { Db } from './database.js';

/** What a user who never changed anything gets. */
export const DEFAULT_PREFERENCES: Preferences = Object.freeze({
  theme: 'system',
  notifyLongRuns: true,
  favourites: [],
  runInBackground: 'automatic',
}) as Preferences;

type PreferenceName = keyof Preferences;
const NAMES = Object.keys(PreferencesSchema.shape) as PreferenceName[];

/**
 * Each user's preferences in the app's SQLite database, one JSON value per row. Values come
 * back through the contract's schema: a row that is not valid JSON, or not a valid value (a
 * hand-edited row, a value from a newer ScriptDesk), reads as the default, never as an error.
 */
export class PreferenceStore {
  constructor(private readonly db: Db) {}

  /** `user`'s preferences, with the default for each one never set or unreadable. */
  get(user: string): Preferences {
    const rows = this.db
      .prepare<[string], { name: string; value: string }>(
        'SELECT name, value FROM preferences WHERE user = ?',
      )
      .all(user);
    const stored = new Map(rows.map((row) => [row.name, row.value]));
    const preferences: Record<string, unknown> = {};
    for (const name of NAMES) {
      const parsed = PreferencesSchema.shape[name].safeParse(parseJson(stored.get(name)));
      preferences[name] = parsed.success ? parsed.data : DEFAULT_PREFERENCES[name];
    }
    return preferences as Preferences;
  }

  /** Stores the preferences `change` names (already validated) for `user`; returns them all. */
  set(user: string, change: Partial<Preferences>): Preferences {
    const upsert = this.db.prepare(
      `INSERT INTO preferences (user, name, value) VALUES (?, ?, ?)
       ON CONFLICT (user, name) DO UPDATE SET value = excluded.value`,
    );
    this.db.transaction(() => {
      for (const name of NAMES) {
        if (change[name] !== undefined) upsert.run(user, name, JSON.stringify(change[name]));
      }
    })();
    return this.get(user);
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
