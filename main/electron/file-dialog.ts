import type { ChooseRequest } from '../files/file-handlers.js';

/** The part of Electron's `OpenDialogOptions` the file chooser sets. */
export interface OpenDialogShape {
  title: string;
  properties: ('openFile' | 'openDirectory' | 'dontAddToRecent')[];
  filters?: { name: string; extensions: string[] }[];
}

/**
 * The OS dialog for a file field: a file of the accepted extensions (the dialog's filter lists
 * exactly those, so nothing else can be picked by mistake) or a folder. Main checks the chosen
 * file again when the run starts.
 */
export function openDialogOptions(request: ChooseRequest): OpenDialogShape {
  const folder = request.kind === 'directory';
  const extensions = (request.accept ?? []).map((extension) => extension.replace(/^\./, ''));
  return {
    title: request.title ?? (folder ? 'Choose a folder' : 'Choose a file'),
    properties: [folder ? 'openDirectory' : 'openFile'],
    ...(!folder && extensions.length
      ? {
          filters: [
            {
              name: `Accepted files (${extensions.map((e) => `.${e}`).join(', ')})`,
              extensions,
            },
          ],
        }
      : {}),
  };
}

/** The path the user chose in the dialog, or null when they cancelled. */
export function chosenPath(result: { canceled: boolean; filePaths: string[] }): string | null {
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
