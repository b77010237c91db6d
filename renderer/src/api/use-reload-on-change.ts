import { useEffect, useRef } from 'react';

/**
 * Calls `reload` whenever `value` changes after the first render (compared with `Object.is`),
 * e.g. to read the script list again once a sync has installed a new catalogue version.
 */
export function useReloadOnChange(value: unknown, reload: () => void): void {
  const seen = useRef(value);
  useEffect(() => {
    if (Object.is(seen.current, value)) return;
    seen.current = value;
    reload();
  }, [value, reload]);
}
