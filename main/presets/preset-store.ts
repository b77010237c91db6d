import type { Db } from '../storage/database.js';

/** Where a preset comes from: the user saved it, or the administrator shipped it in `script.json`. */
export type PresetSource = 'mine' | 'admin';

/** A preset the user saved: its name, its inputs (never a sensitive value) and when. */
export interface SavedPreset {
  name: string;
  inputs: Record<string, unknown>;
  savedAt: string;
}

/** Most presets one user keeps for one script. */
export const MAX_PRESETS_PER_SCRIPT = 50;

interface Row {
  name: string;
  inputs: string;
  saved_at: string;
}

/**
 * The user's presets, per script, in the app's SQLite database (one per user: it lives in the
 * user's home). Names are unique per script regardless of case. Callers strip sensitive values
 * before saving; this store keeps what it is given.
 */
export class PresetStore {
  constructor(private readonly db: Db) {}

  list(scriptId: string): SavedPreset[] {
    return this.db
      .prepare<[string], Row>(
        'SELECT name, inputs, saved_at FROM presets WHERE script_id = ? ORDER BY name COLLATE NOCASE',
      )
      .all(scriptId)
      .map((row) => ({
        name: row.name,
        inputs: JSON.parse(row.inputs) as Record<string, unknown>,
        savedAt: row.saved_at,
      }));
  }

  /**
   * Saves `inputs` as `name`. An existing preset of that name (any case) is replaced only when
   * `replace` is set; otherwise nothing changes and `exists` comes back. `full` when the script
   * already has {@link MAX_PRESETS_PER_SCRIPT}.
   */
  save(
    scriptId: string,
    name: string,
    inputs: Record<string, unknown>,
    replace: boolean,
    savedAt: string,
  ): 'saved' | 'exists' | 'full' {
    return this.db.transaction(() => {
      const existing = this.db
        .prepare<[string, string], { name: string }>(
          'SELECT name FROM presets WHERE script_id = ? AND name = ?',
        )
        .get(scriptId, name);
      if (existing && !replace) return 'exists';
      if (!existing && this.count(scriptId) >= MAX_PRESETS_PER_SCRIPT) return 'full';
      if (existing)
        this.db
          .prepare('DELETE FROM presets WHERE script_id = ? AND name = ?')
          .run(scriptId, existing.name);
      this.db
        .prepare('INSERT INTO presets (script_id, name, inputs, saved_at) VALUES (?, ?, ?, ?)')
        .run(scriptId, name, JSON.stringify(inputs), savedAt);
      // Replacing "monthly" with "Monthly" keeps it the default under its new spelling.
      if (existing) this.followRename(scriptId, existing.name, name);
      return 'saved';
    })();
  }

  /** Renames a preset (and the default, if it was); false when it does not exist, `exists` when the new name is taken. */
  rename(scriptId: string, name: string, newName: string): boolean | 'exists' {
    return this.db.transaction(() => {
      const taken = this.db
        .prepare<[string, string], { name: string }>(
          'SELECT name FROM presets WHERE script_id = ? AND name = ?',
        )
        .get(scriptId, newName);
      if (taken && taken.name.toLowerCase() !== name.toLowerCase()) return 'exists';
      const changed = this.db
        .prepare('UPDATE presets SET name = ? WHERE script_id = ? AND name = ?')
        .run(newName, scriptId, name).changes;
      if (changed) this.followRename(scriptId, name, newName);
      return changed > 0;
    })();
  }

  /** Deletes a preset (and stops it being the default); false when there was none. */
  delete(scriptId: string, name: string): boolean {
    return this.db.transaction(() => {
      const removed = this.db
        .prepare('DELETE FROM presets WHERE script_id = ? AND name = ?')
        .run(scriptId, name).changes;
      this.db
        .prepare(
          "DELETE FROM preset_defaults WHERE script_id = ? AND source = 'mine' AND name = ? COLLATE NOCASE",
        )
        .run(scriptId, name);
      return removed > 0;
    })();
  }

  defaultOf(scriptId: string): { source: PresetSource; name: string } | null {
    return (
      this.db
        .prepare<[string], { source: PresetSource; name: string }>(
          'SELECT source, name FROM preset_defaults WHERE script_id = ?',
        )
        .get(scriptId) ?? null
    );
  }

  /** Makes `choice` the preset the script's form opens with; null: the form's own defaults. */
  setDefault(scriptId: string, choice: { source: PresetSource; name: string } | null): void {
    if (choice === null) {
      this.db.prepare('DELETE FROM preset_defaults WHERE script_id = ?').run(scriptId);
      return;
    }
    this.db
      .prepare(
        'INSERT INTO preset_defaults (script_id, source, name) VALUES (?, ?, ?) ON CONFLICT(script_id) DO UPDATE SET source = excluded.source, name = excluded.name',
      )
      .run(scriptId, choice.source, choice.name);
  }

  private count(scriptId: string): number {
    return this.db
      .prepare<[string], { n: number }>('SELECT count(*) AS n FROM presets WHERE script_id = ?')
      .get(scriptId)!.n;
  }

  private followRename(scriptId: string, from: string, to: string): void {
    this.db
      .prepare(
        "UPDATE preset_defaults SET name = ? WHERE script_id = ? AND source = 'mine' AND name = ? COLLATE NOCASE",
      )
      .run(to, scriptId, from);
  }
}
