import { z } from 'zod';
import { ScriptIdSchema } from './schema-parts.js';

/** The window's colours: follow the operating system, or always light, or always dark. */
export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
/**
 * Whether the desktop app keeps running in the tray (menu bar on macOS) when its window is
 * closed: always, never, or when the user has schedules (`automatic`, the default).
 */
export const BACKGROUND_CHOICES = ['automatic', 'on', 'off'] as const;
export type BackgroundChoice = (typeof BACKGROUND_CHOICES)[number];
/** The most scripts a user may keep as favourites (a catalogue rarely has more). */
export const MAX_FAVOURITES = 200;
/** How many scripts "Recently run" lists. */
export const RECENT_SCRIPTS = 5;

const FavouritesSchema = z
  .array(ScriptIdSchema)
  .max(MAX_FAVOURITES, `at most ${MAX_FAVOURITES} scripts can be favourites; remove some first`)
  .refine(
    (ids) => new Set(ids).size === ids.length,
    'a script is listed twice; list each script once',
  );

/** One user's preferences, kept by main (a web host and a window on the same home share them). */
export const PreferencesSchema = z.object({
  theme: z.enum(THEME_CHOICES, {
    error: 'theme must be "system", "light" or "dark"',
  }),
  /** Tell the user (OS notification, window-title badge) when a long run ends. */
  notifyLongRuns: z.boolean({ error: 'notifyLongRuns must be true or false' }),
  /** Script ids, in the order they were added; ids no longer in the catalogue are kept, not shown. */
  favourites: FavouritesSchema,
  /** Keep running in the background when the window is closed (desktop app only). */
  runInBackground: z.enum(BACKGROUND_CHOICES, {
    error: 'runInBackground must be "automatic", "on" or "off"',
  }),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

/** A change to some preferences: only the fields given change; at least one must be given. */
export const PreferencesChangeSchema = z
  .strictObject(PreferencesSchema.shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown preference ${issue.keys.map((key) => `"${key.slice(0, 40)}"`).join(', ')}; the preferences are theme, notifyLongRuns, favourites and runInBackground`
        : undefined,
  })
  .partial()
  .refine(
    (change) => Object.keys(change).length > 0,
    'name at least one preference to change: theme, notifyLongRuns, favourites or runInBackground',
  );
