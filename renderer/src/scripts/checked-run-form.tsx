import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import type { ScriptSummary } from '../../../main/contract/api.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { LoadingState } from '../common/loading-state.js';
import { RunForm } from './run-form.js';
import { useFormValidator } from './use-form-validator.js';

/** The run form once its precompiled checks are loaded (they come from main, by hash). */
export function CheckedRunForm({
  script,
  schema,
  uiSchema,
  validatorSha256,
  onStarted,
}: {
  script: ScriptSummary;
  schema: RJSFSchema;
  uiSchema: UiSchema;
  validatorSha256: string;
  onStarted: (runId: string) => void;
}) {
  const checks = useFormValidator(validatorSha256, schema);
  if (checks.error)
    return (
      <ApiErrorAlert
        error={{ code: 'catalogue_unavailable', message: checks.error }}
        title="This form cannot be shown"
      />
    );
  if (!checks.validator) return <LoadingState label="Loading the form…" />;
  return (
    <RunForm
      script={script}
      schema={schema}
      uiSchema={uiSchema}
      validator={checks.validator}
      onStarted={onStarted}
    />
  );
}
