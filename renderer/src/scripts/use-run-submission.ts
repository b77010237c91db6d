import { useCallback, useState } from 'react';
import type { MethodInput, ScriptSummary } from '../../../main/contract/api.js';
import type { ApiError, FieldError } from '../../../main/contract/errors.js';
import { useTransport } from '../api/transport-context.js';

/** What `run.start` receives. */
export type RunRequest = MethodInput<'run.start'>;

/** Where a Run press is: asking main to check, waiting for the user to confirm, or starting. */
export type SubmissionPhase = 'idle' | 'checking' | 'confirming' | 'starting';

/** True when the run will change files for real, so the user confirms first. */
export function needsConfirmation(script: ScriptSummary, dryRun: boolean): boolean {
  return script.destructive && !(script.supportsDryRun && dryRun);
}

/** The problem to show when main's `run.validate` said no. */
function invalidInputs(errors: FieldError[]): ApiError {
  return {
    code: 'invalid_inputs',
    message:
      'ScriptDesk checked the inputs against the approved form and found problems; they are marked on the fields.',
    fields: errors,
  };
}

/**
 * The Run sequence: main validates the inputs (it is the authority), the user confirms a run that
 * changes files, then `run.start`. Field errors from main go to `onFieldErrors`; a run refused
 * because a secret is not set goes to `onSecretMissing` with the request, to be started again.
 */
export function useRunSubmission(
  script: ScriptSummary,
  onStarted: (runId: string) => void,
  onFieldErrors: (errors: FieldError[], inputs: RunRequest['inputs']) => void,
  onSecretMissing: (error: ApiError, request: RunRequest) => void,
) {
  const transport = useTransport();
  const [phase, setPhase] = useState<SubmissionPhase>('idle');
  const [error, setError] = useState<ApiError | undefined>();
  const [pending, setPending] = useState<RunRequest | undefined>();

  const fail = useCallback(
    (problem: ApiError, inputs: RunRequest['inputs']) => {
      setError(problem);
      onFieldErrors(problem.fields ?? [], inputs);
      setPhase('idle');
    },
    [onFieldErrors],
  );

  const start = useCallback(
    async (request: RunRequest) => {
      setError(undefined);
      setPhase('starting');
      const started = await transport.call('run.start', request);
      if (!started.ok) {
        fail(started.error, request.inputs);
        if (started.error.code === 'secret_missing') onSecretMissing(started.error, request);
        return;
      }
      setPhase('idle');
      onStarted(started.value.runId);
    },
    [transport, fail, onStarted, onSecretMissing],
  );

  const submit = useCallback(
    async (request: RunRequest) => {
      setError(undefined);
      setPhase('checking');
      const checked = await transport.call('run.validate', {
        scriptId: request.scriptId,
        inputs: request.inputs,
      });
      if (!checked.ok) return fail(checked.error, request.inputs);
      // run.validate checks the form inputs; run.start also checks the reason and dry run.
      if (!checked.value.valid) return fail(invalidInputs(checked.value.errors), request.inputs);
      onFieldErrors([], request.inputs);
      if (needsConfirmation(script, request.dryRun ?? false)) {
        setPending(request);
        setPhase('confirming');
        return;
      }
      await start(request);
    },
    [transport, fail, onFieldErrors, script, start],
  );

  const confirm = useCallback(() => {
    // main refuses a real run of a destructive script unless the request says it was confirmed.
    if (pending) void start({ ...pending, confirmed: true });
    setPending(undefined);
  }, [pending, start]);

  const dismiss = useCallback(() => {
    setPending(undefined);
    setPhase('idle');
  }, []);

  return {
    phase,
    error,
    /** The inputs of the run waiting for confirmation. */
    pendingInputs: pending?.inputs,
    submit,
    confirm,
    dismiss,
    /** Starts `request` again without asking (it was checked and confirmed before). */
    restart: start,
    clearError: () => setError(undefined),
  };
}
