import { useMemo, useRef, useState, type ReactNode } from 'react';
import {
  FilePickerContext,
  type FilePicker,
  type FilePickRequest,
} from '../../../forms/theme/index.js';
import { useTransport } from '../api/transport-context.js';
import { BrowseDialog } from './browse-dialog.js';

/**
 * Gives the form's file fields a chooser: the desktop app's own dialog, opened by main
 * (`files.choose`); where there is none (the web host answers `unsupported`), the page's folder
 * browser over `files.browse`. A dropped file is taken only where the desktop app can say where
 * it is on disk.
 */
export function FilePickerProvider({
  scriptId,
  children,
}: {
  scriptId: string;
  children: ReactNode;
}) {
  const transport = useTransport();
  const [browsing, setBrowsing] = useState<FilePickRequest | null>(null);
  const answer = useRef<(path: string | undefined) => void>(() => {});

  const picker = useMemo<FilePicker>(
    () => ({
      async choose(request) {
        const native = await transport.call('files.choose', {
          kind: request.rule.kind,
          ...(request.rule.accept?.length ? { accept: request.rule.accept } : {}),
          title: `Choose ${request.label}`.slice(0, 200),
        });
        if (native.ok) return native.value.path ?? undefined;
        return new Promise<string | undefined>((resolve) => {
          answer.current = resolve;
          setBrowsing(request);
        });
      },
      pathOfDropped(file) {
        return window.scriptdesk?.pathOfDroppedFile?.(file) ?? undefined;
      },
    }),
    [transport],
  );

  const finish = (path: string | undefined) => {
    setBrowsing(null);
    answer.current(path);
    answer.current = () => {};
  };
  return (
    <FilePickerContext.Provider value={picker}>
      {children}
      <BrowseDialog scriptId={scriptId} request={browsing} onDone={finish} />
    </FilePickerContext.Provider>
  );
}
