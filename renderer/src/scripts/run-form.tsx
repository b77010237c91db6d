import PlayArrowRounded from '@mui/icons-material/PlayArrowRounded';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import { ThemeProvider, useTheme, type Theme } from '@mui/material/styles';
import type { IChangeEvent } from '@rjsf/core';
import type { RJSFSchema, UiSchema, ValidatorType } from '@rjsf/utils';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ScriptSummary } from '../../../main/contract/api.js';
import type { ApiError, FieldError } from '../../../main/contract/errors.js';
import { FormSectionsContext, withScriptDeskUi } from '../../../forms/theme/index.js';
import { TransportProvider } from '../api/transport-context.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { formatLocalTime } from '../common/format.js';
import { SecretsSection } from '../secrets/secrets-section.js';
import { useSecretPrompt } from '../secrets/use-secret-prompt.js';
import { isSecretSet, useSecrets } from '../secrets/use-secrets.js';
import { warmUpFormOnce, type WarmUpForm } from './form-warm-up.js';
import { ConfirmRunDialog, SecretDialog } from './lazy-dialogs.js';
import { isPlaceable, widgetId } from './field-errors.js';
import { RunOptions } from './run-options.js';
import type { FormOpening } from '../common/run-again.js';
import { ScriptForm } from './script-form.js';
import { useAfterPointer } from './use-after-pointer.js';
import { useFieldFeedback } from './use-field-feedback.js';
import { useFormSections } from './use-form-sections.js';
import { needsConfirmation, useRunSubmission, type RunRequest } from './use-run-submission.js';

type FormData = Record<string, unknown>;

const REASON_MISSING = 'Enter a reason or a ticket number before running.';

/** The id of the form element: the Run button, in the Run bar outside it, submits it. */
const FORM_ID = 'run-form';

/** RJSF renders its own submit button unless given children: Run lives in the Run bar. */
const NO_SUBMIT_BUTTON = <></>;

/**
 * The page already shows the script's title above the form, so a root schema title that repeats
 * it is hidden. RJSF then hides the form's description too; it is returned to be shown here.
 */
function withoutRepeatedTitle(
  scriptTitle: string,
  schema: RJSFSchema,
  uiSchema: UiSchema,
): { uiSchema: UiSchema; description: string | undefined } {
  const title = typeof uiSchema['ui:title'] === 'string' ? uiSchema['ui:title'] : schema.title;
  if (title?.trim().toLowerCase() !== scriptTitle.trim().toLowerCase())
    return { uiSchema, description: undefined };
  const options = (uiSchema['ui:options'] ?? {}) as Record<string, unknown>;
  const description =
    typeof uiSchema['ui:description'] === 'string'
      ? uiSchema['ui:description']
      : schema.description;
  return { uiSchema: { ...uiSchema, 'ui:options': { ...options, label: false } }, description };
}

function blockedMessage(
  problems: number,
  formProblems: readonly string[],
  reasonMissing: boolean,
  preparing: boolean,
): string {
  // A problem of the whole form (no field to mark) is said here, or nobody would see it.
  const whole = formProblems.join(' ');
  if (problems > 0) {
    const fields = `Fix the ${problems === 1 ? 'marked field' : `${problems} marked fields`} to continue.`;
    return whole ? `${whole} ${fields}` : fields;
  }
  if (whole) return whole;
  if (reasonMissing) return 'Add a reason or ticket to continue.';
  // The first run waits for the build, so Run stays on; the user just learns why it may take a while.
  return preparing ? 'Preparing its Python environment…' : '';
}

/**
 * Focuses `field` in the middle of the window: the browser's own scroll on focus stops at the
 * edge, where the field's label sits under the top of the page and the sticky Run bar can cover
 * the error below it.
 */
function focusInView(field: HTMLElement): void {
  field.focus({ preventScroll: true });
  field.scrollIntoView({ block: 'center' });
}

function focusById(id: string): void {
  // After React has rendered the error state, so screen readers announce the field with its error.
  requestAnimationFrame(() => {
    const field = document.getElementById(id);
    if (field) focusInView(field);
  });
}

/** Focuses the field of `ids` that comes first on the page (problems come in the schema's order). */
function focusFirstOf(ids: readonly string[]): void {
  requestAnimationFrame(() => {
    const fields = ids
      .map((id) => document.getElementById(id))
      .filter((field): field is HTMLElement => field !== null)
      .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    if (fields[0]) focusInView(fields[0]);
  });
}

/** Says where the form's values came from, and what the user must fill in again. */
function OpeningNotice({ opening }: { opening: FormOpening }) {
  const { prefill } = opening;
  const field = (pointer: string) => pointer.slice(1).replaceAll('/', ' › ');
  let from: string;
  if (opening.kind === 'preset') {
    from = `Filled in from the preset “${opening.name}”${opening.admin ? ' (from your administrator)' : ''}`;
  } else {
    const { again } = opening;
    const when = formatLocalTime(again.startedAt);
    from =
      again.fromDryRun && !again.dryRun
        ? `Filled in from the dry run of ${when}, to run for real now`
        : `Filled in from the ${again.fromDryRun ? 'dry run' : 'run'} of ${when}`;
  }
  const notes = [
    `${from}; check the values before you run.`,
    prefill.reenter.length > 0
      ? `Enter again (sensitive, never recorded): ${prefill.reenter.map(field).join(', ')}.`
      : '',
    prefill.dropped.length > 0
      ? `Not carried over, no longer in this form: ${prefill.dropped.join(', ')}.`
      : '',
  ];
  return (
    <Alert severity="info" sx={{ mb: 2.5 }} data-testid="run-again-notice">
      {notes.filter(Boolean).join(' ')}
    </Alert>
  );
}

/**
 * The script's form with the run options, its secrets and the Run button; starts the run and
 * reports where it went. Run is off while the script's Python environment is known to be broken.
 */
export function RunForm({
  script,
  schema,
  uiSchema,
  validator,
  onStarted,
  opening,
  presets,
}: {
  script: ScriptSummary;
  schema: RJSFSchema;
  uiSchema: UiSchema;
  /** The form's precompiled checks (see use-form-validator.ts). */
  validator: ValidatorType<FormData>;
  onStarted: (runId: string) => void;
  /** What the form opens filled with (an earlier run, a preset), or null for its defaults. */
  opening: FormOpening | null;
  /** The presets control, given a way to read the values now in the form (to save them). */
  presets?: (currentInputs: () => FormData) => ReactNode;
}) {
  const { fullUiSchema, formDescription } = useMemo(() => {
    const shown = withoutRepeatedTitle(script.title, schema, uiSchema);
    return {
      fullUiSchema: withScriptDeskUi(schema as Record<string, unknown>, shown.uiSchema),
      formDescription: shown.description,
    };
  }, [script.title, schema, uiSchema]);
  const again = opening?.kind === 'run' ? opening.again : undefined;
  const [formData, setFormData] = useState<FormData>(opening?.prefill.data ?? {});
  const [dryRun, setDryRun] = useState(again ? again.dryRun : true);
  const [reason, setReason] = useState(again?.reason ?? '');
  const [attempted, setAttempted] = useState(false);
  const [unplaced, setUnplaced] = useState<FieldError[]>([]);
  const feedback = useFieldFeedback(validator, schema, fullUiSchema, formData);
  const sections = useFormSections(schema, fullUiSchema);
  const { change, touch, extraErrors } = feedback;
  // Carried-over values are judged at once: one the current form refuses shows its problem.
  useEffect(() => {
    for (const key of Object.keys(opening?.prefill.data ?? {})) touch(widgetId([key]));
  }, [opening, touch]);
  // A field left by pressing Run shows its problem once the click is done, not under the pointer.
  const afterPointer = useAfterPointer();
  const onBlur = useCallback((id: string) => afterPointer(() => touch(id)), [afterPointer, touch]);

  const { showServerErrors } = feedback;
  const onFieldErrors = useCallback(
    (errors: FieldError[], inputs: RunRequest['inputs']) =>
      setUnplaced(showServerErrors(errors, inputs)),
    [showServerErrors],
  );
  // The page's first key and first Run are not slowed by code compiled on first use (when the
  // Scripts page has not warmed the form up already: a link straight to a script).
  const theme = useTheme();
  useEffect(() => warmUpRunForm(theme), [theme]);
  const secrets = useSecrets(script.id, script.secrets);
  const prompt = useSecretPrompt(secrets, script.secrets);
  // A run refused for a missing secret starts again once it is saved; `restart` comes from the
  // submission hook, which needs this callback first, hence the ref.
  const restart = useRef<(request: RunRequest) => void>(() => {});
  const { askForMissing } = prompt;
  const onSecretMissing = useCallback(
    (error: ApiError, request: RunRequest) =>
      void askForMissing(error.message, () => restart.current(request)),
    [askForMissing],
  );
  const submission = useRunSubmission(script, onStarted, onFieldErrors, onSecretMissing);
  useEffect(() => {
    restart.current = (request) => void submission.restart(request);
  });
  const busy = submission.phase === 'checking' || submission.phase === 'starting';
  const environmentFailed = script.environment.state === 'failed';
  const preparing = script.environment.state === 'building';
  // Once every secret is saved, "a secret is missing" is old news.
  const secretsNowSet =
    script.secrets.length > 0 && script.secrets.every((name) => isSecretSet(secrets.status, name));
  const shownError =
    submission.error?.code === 'secret_missing' && secretsNowSet ? undefined : submission.error;
  const reasonError =
    attempted && script.requireReason && !reason.trim() ? REASON_MISSING : undefined;

  function handleSubmit(event: IChangeEvent<FormData>) {
    // Without the values of fields a condition hides. Worked out here rather than by RJSF's
    // `omitExtraData`, which hands the form a new data object on Run and so re-renders it whole.
    const submitted = event.formData ?? formData;
    const inputs = feedback.visible(submitted);
    setAttempted(true);
    // The form's own data, which is the object it reported last (so Run validates once) unless
    // a field handed over what was typed just before the submit (Enter in a text field).
    const problems = feedback.attempt(submitted);
    const reasonMissing = script.requireReason && !reason.trim();
    const placed = problems.filter(({ path }) => isPlaceable(path));
    if (placed.length > 0) {
      // A field in a closed section is not on the page: open it, then focus the field.
      sections.reveal(placed[0]!.path[0]!);
      return focusFirstOf(placed.map(({ path }) => widgetId(path)));
    }
    if (problems.length > 0) return;
    if (reasonMissing) return focusById('run-reason');
    if (environmentFailed) return;
    void submission.submit({
      scriptId: script.id,
      inputs,
      ...(script.supportsDryRun ? { dryRun } : {}),
      ...(script.requireReason ? { reason: reason.trim() } : {}),
    });
  }

  // The form element changes only when what RJSF derives its state from changes: typing reaches
  // RJSF through its own state, never back through `formData`, so a keystroke re-derives nothing.
  const submitLatest = useRef(handleSubmit);
  useEffect(() => {
    submitLatest.current = handleSubmit;
  });
  const onSubmit = useCallback((event: IChangeEvent<FormData>) => submitLatest.current(event), []);
  const onChange = useCallback(
    (event: IChangeEvent<FormData>, id?: string) => {
      setFormData(event.formData ?? {});
      if (id) change(id);
    },
    [change],
  );
  const formUiSchema = sections.uiSchema;
  const form = useMemo(
    () => (
      <ScriptForm
        id={FORM_ID}
        schema={schema}
        uiSchema={formUiSchema}
        validator={validator}
        {...(opening ? { formData: opening.prefill.data } : {})}
        onChange={onChange}
        onBlur={onBlur}
        onSubmit={onSubmit}
        extraErrors={extraErrors}
        // The form does not validate itself: useFieldFeedback decides what is shown when.
        noValidate
        noHtml5Validate
        showErrorList={false}
      >
        {NO_SUBMIT_BUTTON}
      </ScriptForm>
    ),
    [schema, formUiSchema, validator, onChange, onBlur, onSubmit, extraErrors, opening],
  );

  const realRun = needsConfirmation(script, dryRun);
  const label = script.supportsDryRun && dryRun ? 'Dry run' : realRun ? 'Run…' : 'Run';
  const busyLabel = submission.phase === 'checking' ? 'Checking inputs…' : 'Starting…';

  return (
    <>
      {presets?.(() => feedback.visible(formData))}
      {opening ? <OpeningNotice opening={opening} /> : null}
      {formDescription ? (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2.5 }}>
          {formDescription}
        </Typography>
      ) : null}
      <FormSectionsContext.Provider value={sections}>{form}</FormSectionsContext.Provider>
      {script.secrets.length > 0 ? (
        <Box sx={{ mt: 2.5 }}>
          <SecretsSection
            declared={script.secrets}
            secrets={secrets}
            notice={prompt.notice}
            onEdit={prompt.edit}
          />
        </Box>
      ) : null}
      {shownError ? (
        <Box sx={{ mt: 2 }}>
          <ApiErrorAlert
            error={shownError}
            // E.g. an expired catalogue: the script is still shown, it just may not run now.
            title={
              shownError.code === 'catalogue_unavailable'
                ? 'This script cannot run right now'
                : undefined
            }
            details={unplaced.map((field) =>
              field.path ? `${field.path}: ${field.message}` : field.message,
            )}
          />
        </Box>
      ) : null}
      {/* The Run bar stays in view at the bottom while a long form scrolls under it. */}
      <Box
        data-testid="run-bar"
        sx={{
          position: 'sticky',
          bottom: 0,
          zIndex: 2,
          bgcolor: 'background.paper',
          borderTop: 1,
          borderColor: 'divider',
          mt: 2.5,
          mx: -3,
          px: 3,
          py: 1.5,
        }}
      >
        <RunOptions
          script={script}
          dryRun={dryRun}
          onDryRunChange={setDryRun}
          reason={reason}
          onReasonChange={setReason}
          reasonError={reasonError}
          form={FORM_ID}
        />
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mt: 1.5 }}>
          <Button
            type="submit"
            form={FORM_ID}
            variant="contained"
            size="medium"
            color={realRun ? 'warning' : 'primary'}
            disabled={busy || environmentFailed}
            id="run-button"
            startIcon={
              busy ? (
                <CircularProgress size={16} color="inherit" aria-hidden />
              ) : (
                <PlayArrowRounded />
              )
            }
            data-testid="run-button"
          >
            {busy ? busyLabel : label}
          </Button>
          <Typography
            variant="body2"
            color="text.secondary"
            role="status"
            data-testid="run-status-message"
            sx={{ display: 'flex', alignItems: 'center', gap: 1 }}
          >
            {preparing && !busy ? <CircularProgress size={14} aria-hidden /> : null}
            {busy
              ? ''
              : blockedMessage(
                  feedback.openProblems,
                  feedback.formProblems,
                  Boolean(reasonError),
                  preparing,
                )}
          </Typography>
        </Box>
      </Box>
      <ConfirmRunDialog
        script={script}
        schema={schema as Record<string, unknown>}
        inputs={submission.pendingInputs}
        open={submission.phase === 'confirming'}
        onConfirm={submission.confirm}
        onCancel={submission.dismiss}
        onDryRunInstead={() => {
          submission.dismiss();
          setDryRun(true);
        }}
      />
      <SecretDialog
        request={prompt.request}
        scriptTitle={script.title}
        keychain={secrets.status?.keychain}
        onSave={prompt.save}
        onRemove={prompt.remove}
        onClose={prompt.close}
        // Opened by Run: Run was busy (disabled) then, so the focus is put back on it explicitly.
        onClosed={prompt.forRun ? () => document.getElementById('run-button')?.focus() : undefined}
      />
    </>
  );
}

/**
 * Warms the run form up once per page, in the browser's idle moments (see `form-warm-up.tsx`):
 * the first script opened, its first key and its first Run find their code compiled.
 */
export function warmUpRunForm(theme: Theme): void {
  warmUpFormOnce((probe) => <WarmUpProbe form={probe} theme={theme} />);
}

/** The warm-up's form: this component in the window's theme, talking to a refusing transport. */
function WarmUpProbe({ form, theme }: { form: WarmUpForm; theme: Theme }) {
  return (
    <ThemeProvider theme={theme}>
      <TransportProvider transport={form.transport}>
        <RunForm
          script={form.script}
          schema={form.schema}
          uiSchema={form.uiSchema}
          validator={form.validator}
          onStarted={() => {}}
          opening={null}
        />
      </TransportProvider>
    </ThemeProvider>
  );
}
