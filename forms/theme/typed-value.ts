import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { flushSync } from 'react-dom';

/** How long a hand-over may wait for the browser to be idle while keys keep coming. */
const IDLE_TIMEOUT_MS = 200;

/**
 * Runs `task` once the browser has painted its next frame and has nothing more urgent to do (an
 * idle moment, which comes straight after the frame unless more input is waiting), or after
 * {@link IDLE_TIMEOUT_MS} at the latest. Where there are no frames, in the next task.
 */
function afterPaint(task: () => void): () => void {
  if (typeof requestAnimationFrame !== 'function' || typeof requestIdleCallback !== 'function') {
    const timer = setTimeout(task, 0);
    return () => clearTimeout(timer);
  }
  let idle: number | undefined;
  const frame = requestAnimationFrame(() => {
    idle = requestIdleCallback(task, { timeout: IDLE_TIMEOUT_MS });
  });
  return () => {
    cancelAnimationFrame(frame);
    if (idle !== undefined) cancelIdleCallback(idle);
  };
}

/** What a typed field gives its input element in place of the form's value and callbacks. */
export interface TypedValue<T> {
  /** What the field shows: what was typed, until the form has taken it. */
  value: T;
  /** The input's change, with the value the form is to receive. */
  onChange: (value: T) => void;
  /** Hands anything typed to the form now (before the field reports its blur, say). */
  commit: () => void;
  /** Enter submits the form: what was typed reaches the form before the submit does. */
  onKeyDown: (event: KeyboardEvent) => void;
}

interface Shown<T> {
  /** The field's text. */
  value: T;
  /** The form's value the last render was given, to notice when the form changes it. */
  given: T;
  /** Whether something typed has not reached the form yet. */
  typing: boolean;
}

/**
 * A keystroke is painted first and reaches the form when the browser is next idle. Handing each key to
 * react-jsonschema-form at once re-derives the whole form's defaults and state before the
 * character appears (about 20 ms at 200 fields here); now the field shows the key at the cost of
 * one input, and the form, its checks and whatever depends on the value (a condition's fields)
 * follow in the next task. Leaving the field, Enter and unmounting hand it over at once, so a
 * blur, a Run click and a submit always see what was typed. A value the form changes itself
 * (a reset, a branch that clears it) replaces the field's text unless typing is under way.
 */
export function useTypedValue<T>(value: T, onChange: (value: T) => void): TypedValue<T> {
  const [shown, setShown] = useState<Shown<T>>({ value, given: value, typing: false });
  if (!Object.is(shown.given, value))
    setShown({ value: shown.typing ? shown.value : value, given: value, typing: shown.typing });

  const pending = useRef<{ value: T } | null>(null);
  const cancel = useRef<(() => void) | null>(null);
  // Kept current before anything can run after a render (a layout effect, not a passive one), so
  // a blur straight after a render hands the value over through that render's callback.
  const latestOnChange = useRef(onChange);
  useLayoutEffect(() => {
    latestOnChange.current = onChange;
  });

  const commit = useCallback(() => {
    cancel.current?.();
    cancel.current = null;
    const typed = pending.current;
    if (!typed) return;
    pending.current = null;
    setShown((current) => ({ ...current, typing: false }));
    latestOnChange.current(typed.value);
  }, []);

  const change = useCallback(
    (next: T) => {
      pending.current = { value: next };
      setShown((current) => ({ ...current, value: next, typing: true }));
      // Synchronously, as a blur or a click hands its change over: RJSF's form state is built by
      // updaters, and a change of a lower priority than a later click's is replayed after it by
      // React, so the form would end up holding the older text.
      cancel.current ??= afterPaint(() => flushSync(commit));
    },
    [commit],
  );

  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      // Enter's implicit submit follows this event: the form must hold the value by then.
      if (event.key === 'Enter' && pending.current) flushSync(commit);
    },
    [commit],
  );

  // A field that goes away (a closed section, a condition) still hands over what was typed, once
  // React has finished removing it (a change cannot be flushed from inside that).
  useEffect(
    () => () => {
      if (pending.current) queueMicrotask(() => flushSync(commit));
    },
    [commit],
  );

  return { value: shown.value, onChange: change, commit, onKeyDown };
}
