import { useEffect, useRef, type RefObject } from 'react';

/**
 * Puts the keyboard focus on `target` (a page's heading, with `tabIndex={-1}`) once it is `ready`,
 * if the focus was lost on the way here: the button that led to this page (Run, a History link,
 * Open script again) is gone, so the browser dropped the focus to the page body, and the next Tab
 * would start again at the top of the window. Focus the user has put somewhere is left alone.
 */
export function useFocusWhenLost(target: RefObject<HTMLElement | null>, ready: boolean): void {
  const done = useRef(false);
  useEffect(() => {
    if (!ready || done.current) return;
    done.current = true;
    const active = document.activeElement;
    if (active === null || active === document.body) target.current?.focus();
  }, [ready, target]);
}
