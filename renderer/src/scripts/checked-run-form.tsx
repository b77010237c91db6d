import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import type { Preset, ScriptSummary } from '../../../main/contract/api.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { LoadingState } from '../common/loading-state.js';
import {
  clearRunAgain,
  pendingRunAgain,
  prefillFrom,
  type FormOpening,
} from '../common/run-again.js';
import { FilePickerProvider } from '../files/file-picker-provider.js';
import { PresetsControl } from '../presets/presets-control.js';
import { usePresets } from '../presets/use-presets.js';
import { RunForm } from './run-form.js';
import { useFormValidator } from './use-form-validator.js';

function presetOpening(schema: RJSFSchema, preset: Preset): FormOpening {
  return {
    kind: 'preset',
    name: preset.name,
    admin: preset.source === 'admin',
    prefill: prefillFrom(schema as Record<string, unknown>, preset.inputs),
  };
}

/**
 * The run form once its precompiled checks are loaded (they come from main, by hash) and its
 * presets are known: it opens filled from "Run again" if a run page asked, else from the default
 * preset, else with the form's defaults. Applying a preset opens the form afresh with it.
 */
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
  const presets = usePresets(script.id);
  // undefined: not decided yet (the presets are still coming); null: the form's own defaults.
  const [opening, setOpening] = useState<FormOpening | null | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  if (opening === undefined && presets.settled) {
    const again = pendingRunAgain(script.id);
    const chosen = presets.list?.defaultPreset;
    const preset =
      chosen &&
      presets.list?.presets.find((p) => p.source === chosen.source && p.name === chosen.name);
    setOpening(
      again
        ? {
            kind: 'run',
            again,
            prefill: prefillFrom(schema as Record<string, unknown>, again.inputs),
          }
        : preset
          ? presetOpening(schema, preset)
          : null,
    );
  }
  const taken = opening?.kind === 'run' ? opening.again : undefined;
  useEffect(() => clearRunAgain(script.id, taken), [script.id, taken]);

  if (checks.error)
    return (
      <ApiErrorAlert
        error={{ code: 'catalogue_unavailable', message: checks.error }}
        title="This form cannot be shown"
      />
    );
  if (!checks.validator || opening === undefined) return <LoadingState label="Loading the form…" />;
  return (
    <FilePickerProvider scriptId={script.id}>
      <RunForm
        // A preset applied opens the form afresh, filled with it.
        key={generation}
        script={script}
        schema={schema}
        uiSchema={uiSchema}
        validator={checks.validator}
        onStarted={onStarted}
        opening={opening}
        presets={(currentInputs) => (
          <PresetsControl
            scriptTitle={script.title}
            schedulable={script.scheduling ? script : undefined}
            presets={presets}
            currentInputs={currentInputs}
            onApply={(preset) => {
              setOpening(presetOpening(schema, preset));
              setGeneration((n) => n + 1);
            }}
          />
        )}
      />
    </FilePickerProvider>
  );
}
