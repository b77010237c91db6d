import {
  createSchemaUtils,
  type ErrorSchema,
  type RJSFSchema,
  type UiSchema,
  type ValidatorType,
} from '@rjsf/utils';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { FieldError } from '../../../main/contract/errors.js';
import { asSentence, liveFieldErrors } from '../../../forms/theme/index.js';
import {
  isPlaceable,
  pointerToPath,
  shownErrors,
  toErrorSchema,
  valueFingerprint,
  widgetId,
  type PlacedError,
} from './field-errors.js';

type FormData = Record<string, unknown>;

/** Inline errors for the run form and the actions that decide which of them are shown. */
export interface FieldFeedback {
  /** What RJSF shows under the fields (passed as `extraErrors`; the form itself does not validate). */
  extraErrors: ErrorSchema;
  /** A field lost focus: from now on its own problems are shown while the user types. */
  touch: (id: string) => void;
  /** A field changed: a field its value makes required is flagged at once. */
  change: (id: string) => void;
  /** The user pressed Run: every problem is shown from now on. Returns the problems of `data`. */
  attempt: (data: FormData) => PlacedError[];
  /** `data` without the values of fields its conditions hide (what is judged, and sent). */
  visible: (data: FormData) => FormData;
  /** Shows main's verdict on `inputs` until the user edits the fields concerned; returns the errors no field can show. */
  showServerErrors: (errors: readonly FieldError[], inputs: FormData) => FieldError[];
  /** How many marked fields the form itself finds after Run was pressed (0 before). */
  openProblems: number;
  /** After Run was pressed, the problems of the form as a whole, which no field can show. */
  formProblems: string[];
}

/** The one error schema of a form with nothing to show: RJSF re-derives its state when it changes. */
const NO_ERRORS: ErrorSchema = {};

interface ServerError extends PlacedError {
  fingerprint: string | undefined;
}

/**
 * Decides which validation problems the form shows: none before the user interacts, a field's
 * own problems once it was left (blur), a field a condition makes required as soon as the field
 * the condition looks at changes, all of them after Run was pressed, plus main's errors (the
 * authority) until the value they refer to changes. Client and main word them with the same code.
 */
export function useFieldFeedback(
  validator: ValidatorType<FormData>,
  schema: RJSFSchema,
  uiSchema: UiSchema,
  formData: FormData,
): FieldFeedback {
  const schemaUtils = useMemo(() => createSchemaUtils(validator, schema), [validator, schema]);
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [changed, setChanged] = useState<ReadonlySet<string>>(() => new Set());
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<readonly ServerError[]>([]);

  // Values of fields a condition has hidden are not sent, so they are not judged either. Worked
  // out once per value of the form: judging it and sending it (Run) need the same.
  const visible = useMemo(() => {
    const seen = new WeakMap<FormData, FormData>();
    return (data: FormData): FormData => {
      let shown = seen.get(data);
      if (!shown) {
        shown = (schemaUtils.omitExtraData(schema, data) ?? {}) as FormData;
        seen.set(data, shown);
      }
      return shown;
    };
  }, [schema, schemaUtils]);

  // One validation per value of the form: Run and the errors shown after it judge the same data.
  const validate = useMemo(() => {
    const judged = new WeakMap<FormData, PlacedError[]>();
    return (data: FormData): PlacedError[] => {
      const known = judged.get(data);
      if (known) return known;
      const placed = liveFieldErrors(validator, schema, uiSchema, visible(data)).map((error) => ({
        path: pointerToPath(error.path),
        message: error.message,
        triggers: error.triggers.map(pointerToPath),
      }));
      judged.set(data, placed);
      return placed;
    };
  }, [validator, schema, uiSchema, visible]);

  // The values as the form opened are judged while the browser is idle after it opened: the
  // first keystroke's render then finds them judged (it shows the problems of the values before
  // it) and the validator's code already compiled, instead of paying for both before it paints.
  const latest = useRef(formData);
  latest.current = formData;
  useEffect(() => {
    const handle = requestIdleCallback(() => validate(latest.current));
    return () => cancelIdleCallback(handle);
  }, [validate]);

  // Typing paints first; the problems of what was typed follow in the next, interruptible render.
  const judgedData = useDeferredValue(formData);
  const clientErrors = useMemo(() => {
    if (!attempted && touched.size === 0 && changed.size === 0) return [];
    return shownErrors(validate(judgedData), { attempted, touched, changed });
  }, [attempted, touched, changed, validate, judgedData]);

  // The same object while the problems shown stay the same, so RJSF keeps its state.
  const shown = useRef<{ key: string; errors: ErrorSchema }>({ key: '[]', errors: NO_ERRORS });
  const extraErrors = useMemo(() => {
    const stillValid = serverErrors.filter(
      (error) => valueFingerprint(formData, error.path) === error.fingerprint,
    );
    const all = [...clientErrors, ...stillValid];
    const key = JSON.stringify(all.map(({ path, message }) => [path, message]));
    if (key !== shown.current.key)
      shown.current = { key, errors: all.length ? toErrorSchema(all) : NO_ERRORS };
    return shown.current.errors;
  }, [clientErrors, serverErrors, formData]);

  const touch = useCallback((id: string) => {
    setTouched((current) => (current.has(id) ? current : new Set([...current, id])));
  }, []);

  const change = useCallback((id: string) => {
    setChanged((current) => (current.has(id) ? current : new Set([...current, id])));
  }, []);

  const attempt = useCallback(
    (data: FormData) => {
      setAttempted(true);
      return validate(data);
    },
    [validate],
  );

  const showServerErrors = useCallback(
    (errors: readonly FieldError[], inputs: FormData) => {
      const properties = schemaUtils.retrieveSchema(schema, inputs).properties ?? {};
      const placed: ServerError[] = [];
      const unplaced: FieldError[] = [];
      for (const error of errors) {
        const path = pointerToPath(error.path);
        if (isPlaceable(path) && Object.hasOwn(properties, path[0] ?? '')) {
          placed.push({
            path,
            message: asSentence(error.message),
            fingerprint: valueFingerprint(inputs, path),
          });
        } else {
          unplaced.push(error);
        }
      }
      setServerErrors(placed);
      return unplaced;
    },
    [schema, schemaUtils],
  );

  const placed = clientErrors.filter(({ path }) => isPlaceable(path));
  // Fields, not messages: a field with two problems is one place to fix.
  const openProblems = attempted ? new Set(placed.map(({ path }) => widgetId(path))).size : 0;
  const formProblems = attempted
    ? clientErrors.filter(({ path }) => !isPlaceable(path)).map(({ message }) => message)
    : [];
  return {
    extraErrors,
    touch,
    change,
    attempt,
    visible,
    showServerErrors,
    openProblems,
    formProblems,
  };
}
