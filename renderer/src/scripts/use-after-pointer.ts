import { useCallback, useEffect, useRef } from 'react';

/**
 * Returns a function that runs an action now or, while a mouse button or finger is down, once it
 * is released and its click has been dispatched. A field's problem shown when the field is left
 * grows the form between the press and the release of a click on Run (the press takes the focus),
 * so the release landed below the moved button and the click was lost.
 */
export function useAfterPointer(): (action: () => void) => void {
  const pressed = useRef(false);
  const queued = useRef<(() => void)[]>([]);
  useEffect(() => {
    const press = () => {
      pressed.current = true;
    };
    const release = () => {
      pressed.current = false;
      const actions = queued.current.splice(0);
      // A task of its own: the click that follows the release is dispatched first.
      if (actions.length > 0) setTimeout(() => actions.forEach((action) => action()));
    };
    document.addEventListener('pointerdown', press, true);
    document.addEventListener('pointerup', release, true);
    document.addEventListener('pointercancel', release, true);
    window.addEventListener('blur', release);
    return () => {
      document.removeEventListener('pointerdown', press, true);
      document.removeEventListener('pointerup', release, true);
      document.removeEventListener('pointercancel', release, true);
      window.removeEventListener('blur', release);
    };
  }, []);
  return useCallback((action: () => void) => {
    if (pressed.current) queued.current.push(action);
    else action();
  }, []);
}
