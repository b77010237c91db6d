/**
 * What the desktop app's shell does on the user's machine for main: the system's save dialog,
 * opening a file with its default app, showing it in the file manager. `main/electron/main.ts`
 * passes Electron's `dialog` and `shell` in as this; the web host has none (the browser does
 * its own downloads). Main decides every path handed to it, from its own records.
 */
export interface DesktopShell {
  /** Asks where to save a file named `fileName`; null when the user cancelled. */
  chooseSavePath(fileName: string): Promise<string | null>;
  /** Opens `file` with the system's default app; resolves to '' or the system's error message. */
  openPath(file: string): Promise<string>;
  /** Shows `file` selected in the system's file manager. */
  showItemInFolder(file: string): void;
}
