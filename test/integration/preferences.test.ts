import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { MAX_FAVOURITES, type ApiEvent } from '../../main/contract/api.js';
import { RunStore } from '../../main/runs/run-store.js';
import { openDatabase } from '../../main/storage/database.js';
import { DEFAULT_PREFERENCES, PreferenceStore } from '../../main/storage/preference-store.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { memoryTempDir, tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function freshApp(home?: string): Promise<ScriptDeskApp> {
  app = await openScriptDeskApp({
    home: home ?? (await tempDir('scriptdesk-home-')),
    logError: () => {},
  });
  return app;
}

/** Calls prefs.set as the window does and returns the refusal (throws if it was accepted). */
async function refused(served: ScriptDeskApp, input: unknown) {
  const result = await served.dispatch('prefs.set', input, { transport: 'http' });
  if (result.ok) throw new Error(`prefs.set accepted ${JSON.stringify(input)}`);
  return result.error;
}

describe('preferences kept by main', () => {
  it('a new user gets the defaults: system theme, notifications on, no favourites, background automatic', async () => {
    const served = await freshApp();
    expect(await callOrThrow(served, 'prefs.get', {})).toEqual({
      theme: 'system',
      notifyLongRuns: true,
      favourites: [],
      runInBackground: 'automatic',
    });
  });

  it('a change is kept, tells every window, and is still there after ScriptDesk restarts', async () => {
    const home = await tempDir('scriptdesk-home-');
    const served = await freshApp(home);
    const events: ApiEvent[] = [];
    served.subscribe((event) => events.push(event));
    const answer = await callOrThrow(served, 'prefs.set', { theme: 'dark' });
    const rest = { runInBackground: 'automatic' };
    expect(answer).toEqual({ theme: 'dark', notifyLongRuns: true, favourites: [], ...rest });
    await callOrThrow(served, 'prefs.set', { favourites: ['loan-schedule', 'csv-summary'] });
    await callOrThrow(served, 'prefs.set', { notifyLongRuns: false });
    await callOrThrow(served, 'prefs.set', { runInBackground: 'off' });
    const favourites = ['loan-schedule', 'csv-summary'];
    expect(events.filter((e) => e.name === 'prefs.changed').map((e) => e.payload)).toEqual([
      { theme: 'dark', notifyLongRuns: true, favourites: [], ...rest },
      { theme: 'dark', notifyLongRuns: true, favourites, ...rest },
      { theme: 'dark', notifyLongRuns: false, favourites, ...rest },
      { theme: 'dark', notifyLongRuns: false, favourites, runInBackground: 'off' },
    ]);
    await served.close();
    const reopened = await freshApp(home);
    const kept = {
      theme: 'dark',
      notifyLongRuns: false,
      favourites: ['loan-schedule', 'csv-summary'],
      runInBackground: 'off',
    };
    expect(await callOrThrow(reopened, 'prefs.get', {})).toEqual(kept);
    // The window reads them from app.info, one of its first answers.
    expect((await callOrThrow(reopened, 'app.info', {})).preferences).toEqual(kept);
  });

  it('each user of a home has their own preferences', async () => {
    const db = openDatabase(path.join(await tempDir(), 'scriptdesk.sqlite'));
    try {
      const store = new PreferenceStore(db);
      store.set('ana', { theme: 'dark', favourites: ['loan-schedule'] });
      expect(store.get('ana')).toMatchObject({ theme: 'dark', favourites: ['loan-schedule'] });
      expect(store.get('ben')).toEqual(DEFAULT_PREFERENCES);
    } finally {
      db.close();
    }
  });

  it('a stored value that is not JSON or not a valid value reads as its default; the others are kept', async () => {
    const file = path.join(await tempDir(), 'scriptdesk.sqlite');
    const db = openDatabase(file);
    try {
      const store = new PreferenceStore(db);
      store.set('ana', { theme: 'dark', notifyLongRuns: false, favourites: ['loan-schedule'] });
      // As a hand edit, a disk error or a newer ScriptDesk could leave them.
      const raw = new Database(file);
      raw.prepare(`UPDATE preferences SET value = '{"broken' WHERE name = 'theme'`).run();
      raw.prepare(`UPDATE preferences SET value = '"yes"' WHERE name = 'notifyLongRuns'`).run();
      raw.prepare(`INSERT INTO preferences VALUES ('ana', 'fontSize', '18')`).run();
      raw.close();
      expect(store.get('ana')).toEqual({
        theme: 'system',
        notifyLongRuns: true,
        favourites: ['loan-schedule'],
        runInBackground: 'automatic',
      });
      const raw2 = new Database(file);
      raw2
        .prepare(`UPDATE preferences SET value = '["../etc", "ok-id"]' WHERE name = 'favourites'`)
        .run();
      raw2.close();
      expect(store.get('ana').favourites).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('refuses a theme that does not exist, naming the field and the choices', async () => {
    const error = await refused(await freshApp(), { theme: 'purple' });
    expect(error.code).toBe('bad_request');
    expect(error.message).toBe('Arguments of prefs.set are not valid.');
    expect(error.fields).toEqual([
      { path: '/theme', message: 'theme must be "system", "light" or "dark"' },
    ]);
  });

  it('refuses notifyLongRuns that is not true or false', async () => {
    const error = await refused(await freshApp(), { notifyLongRuns: 'yes' });
    expect(error.fields).toEqual([
      { path: '/notifyLongRuns', message: 'notifyLongRuns must be true or false' },
    ]);
  });

  it('refuses a background choice that does not exist, naming the choices', async () => {
    const error = await refused(await freshApp(), { runInBackground: 'sometimes' });
    expect(error.fields).toEqual([
      {
        path: '/runInBackground',
        message: 'runInBackground must be "automatic", "on" or "off"',
      },
    ]);
  });

  it('refuses a preference it does not know, naming it and the ones there are', async () => {
    const error = await refused(await freshApp(), { theme: 'dark', fontSize: 18 });
    expect(error.fields).toEqual([
      {
        path: '',
        message:
          'unknown preference "fontSize"; the preferences are theme, notifyLongRuns, favourites and runInBackground',
      },
    ]);
  });

  it('refuses a change that names nothing to change', async () => {
    const error = await refused(await freshApp(), {});
    expect(error.fields).toEqual([
      {
        path: '',
        message:
          'name at least one preference to change: theme, notifyLongRuns, favourites or runInBackground',
      },
    ]);
  });

  it('refuses favourites that are not script ids, listed twice, or too many', async () => {
    const served = await freshApp();
    expect((await refused(served, { favourites: ['Loan Schedule'] })).fields).toEqual([
      { path: '/favourites/0', message: 'a script id is lower-case letters, digits and dashes' },
    ]);
    expect(
      (await refused(served, { favourites: ['loan-schedule', 'loan-schedule'] })).fields,
    ).toEqual([
      { path: '/favourites', message: 'a script is listed twice; list each script once' },
    ]);
    const many = Array.from({ length: MAX_FAVOURITES + 1 }, (_, index) => `script-${index}`);
    expect((await refused(served, { favourites: many })).fields).toEqual([
      {
        path: '/favourites',
        message: `at most ${MAX_FAVOURITES} scripts can be favourites; remove some first`,
      },
    ]);
    expect((await refused(served, { favourites: 'loan-schedule' })).fields?.[0]?.path).toBe(
      '/favourites',
    );
    // Nothing refused was stored.
    expect(await callOrThrow(served, 'prefs.get', {})).toEqual(DEFAULT_PREFERENCES);
  });
});

describe('recently run scripts', () => {
  it('catalogue.list names a script after it has run, and never one the catalogue no longer has', async () => {
    const made = await appWithCatalogue();
    app = made.app;
    expect((await callOrThrow(made.app, 'catalogue.list', {})).recent).toEqual([]);
    const markerDir = await tempDir('scriptdesk-marker-');
    await runToEnd(made.app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    expect((await callOrThrow(made.app, 'catalogue.list', {})).recent).toEqual(['probe']);
    // A newer run of a script that has since left the catalogue is left out.
    const raw = new Database(made.app.services.paths.database);
    raw
      .prepare(
        `INSERT INTO runs (run_id, script_id, script_version, title, status, dry_run, started_at, run_dir)
         VALUES ('gone-run', 'gone-script', '1', 'Gone', 'succeeded', 0, '2999-01-01T00:00:00.000Z', '/tmp')`,
      )
      .run();
    raw.close();
    expect((await callOrThrow(made.app, 'catalogue.list', {})).recent).toEqual(['probe']);
  });

  it('lists the last five distinct scripts, newest first, found through an index at 100,000 runs', async () => {
    const db = openDatabase(path.join(await memoryTempDir(), 'scriptdesk.sqlite'));
    try {
      const insert = db.prepare(
        `INSERT INTO runs (run_id, script_id, script_version, title, status, dry_run, started_at, run_dir)
         VALUES (?, ?, '1', 't', 'succeeded', 0, ?, '/tmp')`,
      );
      const start = Date.parse('2026-01-01T00:00:00Z');
      db.transaction(() => {
        for (let n = 0; n < 100_000; n++) {
          // Mostly one script, as a busy user's history is: the others must still be found.
          const script = n % 1000 === 0 ? `script-${(n / 1000) % 8}` : 'daily-load';
          insert.run(`run-${n}`, script, new Date(start + n * 1000).toISOString());
        }
      })();
      const runs = new RunStore(db);
      const listed = [
        'daily-load',
        ...Array.from({ length: 8 }, (_, i) => `script-${i}`),
        'never-run',
      ];
      // Every 1000th run is script-(n/1000 mod 8): the last ones are script-3 (n = 99,000), 2, 1, 0.
      expect(runs.recentScripts(listed)).toEqual([
        'daily-load',
        'script-3',
        'script-2',
        'script-1',
        'script-0',
      ]);
      expect(runs.recentScripts(['script-5', 'gone'])).toEqual(['script-5']);
      const plan = db
        .prepare('EXPLAIN QUERY PLAN SELECT MAX(started_at) FROM runs WHERE script_id = ?')
        .all('daily-load')
        .map((row) => (row as { detail: string }).detail)
        .join('\n');
      expect(plan).toContain('runs_script');
    } finally {
      db.close();
    }
  });
});
