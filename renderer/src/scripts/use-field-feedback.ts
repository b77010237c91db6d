import {
  createSchemaUtils,
  type ErrorSchema,
  type RJSFSchema,
  type UiSchema,
  type ValidatorType,
} from '@rjsf/utils';
import { useCallback, useMemo, useState } from 'react';
import type { FieldError } from '../../../main/contract/errors.js';
import { asSentence, wordLikeMain } from '../../../forms/theme/index.js';
import {
  fromErrorSchema,
  isPlaceable,
  pointerToPath,
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
  /** The user pressed Run: every problem is shown from now on. Returns the problems of `data`. */
  attempt: (data: FormData) => PlacedError[];
  /** Shows main's verdict on `inputs` until the user edits the fields concerned; returns the errors no field can show. */
  showServerErrors: (errors: readonly FieldError[], inputs: FormData) => FieldError[];
  /** How many problems the form itself finds after Run was pressed (0 before). */
  openProblems: number;
}

interface ServerError extends PlacedError {
  fingerprint: string | undefined;
}

/**
 * Decides which validation problems the form shows: none before the user interacts, a field's
 * own problems once it was left (blur), all of them after Run was pressed, plus main's errors
 * (the authority) until the value they refer to changes.
 */
export function useFieldFeedback(
  validator: ValidatorType<FormData>,
  schema: RJSFSchema,
  uiSchema: UiSchema,
  formData: FormData,
): FieldFeedback {
  const schemaUtils = useMemo(() => createSchemaUtils(validator, schema), [validator, schema]);
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<readonly ServerError[]>([]);

  const validate = useCallback(
    (data: FormData): PlacedError[] => {
      // Values of fields a condition has hidden are not sent, so they are not judged either.
      const visible = schemaUtils.omitExtraData(schema, data) ?? {};
      const { errorSchema } = validator.validateFormData(
        visible,
        schema,
        undefined,
        wordLikeMain,
        uiSchema,
      );
      return fromErrorSchema(errorSchema);
    },
    [validator, schema, schemaUtils, uiSchema],
  );

  const clientErrors = useMemo(() => {
    if (!attempted && touched.size === 0) return [];
    const all = validate(formData);
    if (attempted) return all;
    const ids = [...touched];
    return all.filter(({ path }) => {
      const id = widgetId(path);
      return ids.some((touchedId) => touchedId === id || touchedId.startsWith(`${id}_`));
    });
  }, [attempted, touched, validate, formData]);

  const extraErrors = useMemo(() => {
    const stillValid = serverErrors.filter(
      (error) => valueFingerprint(formData, error.path) === error.fingerprint,
    );
    return toErrorSchema([...clientErrors, ...stillValid]);
  }, [clientErrors, serverErrors, formData]);

  const touch = useCallback((id: string) => {
    setTouched((current) => (current.has(id) ? current : new Set([...current, id])));
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

  const openProblems = attempted ? clientErrors.length : 0;
  return { extraErrors, touch, attempt, showServerErrors, openProblems };
}
