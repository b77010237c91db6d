import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import Alert from '@mui/material/Alert';
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
import { presetForLink } from '../presets/preset-for-link.js';
import { PresetsControl } from '../presets/presets-control.js';
import { usePresets } from '../presets/use-presets.js';
import { RunForm } from './run-form.js';
import { useFormValidator } from './use-form-validator.js';

// For the Scripts page, which warms the form up once this code is here.
export { warmUpRunForm } from './run-form.js';

function presetOpening(schema: RJSFSchema, preset: Preset): FormOpening {
  return {
    kind: 'preset',
    name: preset.name,
    admin: preset.source === 'admin',
    prefill: prefillFrom(schema as Record<string, unknown>, preset.inputs),
  };
}

/**
 * What the page's address asked of the form (`#/scripts/<id>?preset=<name>`, a `scriptdesk://`
 * link in the desktop app): the preset to open with, or why the address's preset was not used.
 */
export interface FormLink {
  preset?: string;
  problem?: string;
}

/**
 * The run form once its precompiled checks are loaded (they come from main, by hash) and its
 * presets are known: it opens filled from the preset a link names if there is one, else from
 * "Run again" if a run page asked, else from the default preset, else with the form's defaults.
 * Applying a preset opens the form afresh with it. Nothing here ever starts a run.
 */
export function CheckedRunForm({
  script,
  schema,
  uiSchema,
  validatorSha256,
  onStarted,
  link,
}: {
  script: ScriptSummary;
  schema: RJSFSchema;
  uiSchema: UiSchema;
  validatorSha256: string;
  onStarted: (runId: string) => void;
  link?: FormLink;
}) {
  const checks = useFormValidator(validatorSha256, schema);
  const presets = usePresets(script.id);
  // undefined: not decided yet (the presets are still coming); null: the form's own defaults.
  const [opening, setOpening] = useState<FormOpening | null | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const linked =
    link?.preset === undefined
      ? undefined
      : presetForLink(presets.list?.presets ?? [], link.preset);
  if (opening === undefined && presets.settled && link?.preset !== undefined) {
    setOpening(linked ? presetOpening(schema, linked) : null);
  } else if (opening === undefined && presets.settled) {
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
  // Said until the user fills the form from another preset.
  const notice = generation === 0 ? linkNotice(script.title, link, linked) : null;
  return (
    <FilePickerProvider scriptId={script.id}>
      {notice ? (
        <Alert severity="warning" role="status" sx={{ mb: 2.5 }} data-testid="link-notice">
          {notice}
        </Alert>
      ) : null}
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

/** What to tell the user when a link's preset was not used (null: it was, or none was named). */
function linkNotice(
  scriptTitle: string,
  link: FormLink | undefined,
  linked: Preset | undefined,
): string | null {
  if (link?.problem)
    return `The link’s preset was not used: ${link.problem}. The form is not filled in from a preset, and nothing was run.`;
  if (link?.preset !== undefined && !linked)
    return `${scriptTitle} has no preset named “${link.preset}”, so the form is not filled in from one. Nothing was run.`;
  return null;
}
