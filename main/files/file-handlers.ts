import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Handlers } from '../contract/dispatcher.js';
import { ApiFailure } from '../contract/errors.js';
import type { RunStore } from '../runs/run-store.js';
import { isWithin, listFolder } from './file-browser.js';

/** What the desktop shell's file dialog is asked for (see `main/electron/`). */
export interface ChooseRequest {
  kind: 'file' | 'directory';
  accept?: readonly string[];
  title?: string;
}

export interface FileHandlerDeps {
  runs: RunStore;
  /** Opens the OS file dialog and resolves with the chosen path (null: cancelled); Electron only. */
  chooseFile?: (request: ChooseRequest) => Promise<string | null>;
  /** The folder the in-page browser may show (default: the user's home). */
  browseRoot?: string;
}

/** How many recent folders a field offers. */
const RECENT_FOLDERS = 5;

/**
 * `files.*`: choosing the files and folders a run reads. The desktop app opens the OS dialog in
 * main; the web host lists folders of the user's home for the page's own browser. Either way the
 * page only ever gets a path the user chose; main checks the file again when the run starts.
 */
export function createFileHandlers(
  deps: FileHandlerDeps,
): Pick<Handlers, 'files.browse' | 'files.choose'> {
  const root = deps.browseRoot ?? os.homedir();

  /** The folders `field` of `scriptId` took its values from in recent runs, newest first. */
  const recentFolders = async (
    scriptId: string,
    field: string,
    kind: 'file' | 'directory',
    within: string,
  ) => {
    const folders: string[] = [];
    for (const value of deps.runs.recentInputs(scriptId, field, 50)) {
      if (typeof value !== 'string' || !path.isAbsolute(value)) continue;
      const folder = kind === 'directory' ? value : path.dirname(value);
      if (folders.includes(folder) || !isWithin(within, folder)) continue;
      if (!(await stat(folder).catch(() => null))?.isDirectory()) continue;
      folders.push(folder);
      if (folders.length === RECENT_FOLDERS) break;
    }
    return folders;
  };

  return {
    'files.browse': async ({ folder, kind, accept, scriptId, field }) => {
      const listing = await listFolder(root, { folder, kind, accept });
      const recent =
        scriptId && field ? await recentFolders(scriptId, field, kind, listing.root) : [];
      return { ...listing, recent };
    },
    'files.choose': async (request, context) => {
      if (context.transport !== 'ipc' || !deps.chooseFile)
        throw new ApiFailure(
          'unsupported',
          'This window has no file dialog of its own; choose the file in the folder browser instead.',
        );
      return { path: await deps.chooseFile(request) };
    },
  };
}
