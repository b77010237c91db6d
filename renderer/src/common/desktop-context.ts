import { createContext, useContext } from 'react';

/**
 * True in the desktop app, where main can show the system's save dialog, open files and show
 * them in the file manager (`app.info`'s `desktop`); false in the browser, where those controls
 * are not shown. Provided once by the window (`app.tsx`).
 */
export const DesktopContext = createContext(false);

/** Whether this window runs in the desktop app (see {@link DesktopContext}). */
export function useDesktop(): boolean {
  return useContext(DesktopContext);
}
