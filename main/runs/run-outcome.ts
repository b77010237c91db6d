import type { RunStatus } from '../contract/api.js';
import type { ResolvedScript } from '../catalogue/catalogue-service.js';
import { exitWords } from '../platform/exit-words.js';
import { HOST_OS, type OsName } from '../platform/os.js';
import type { StoredRun } from './run-store.js';

/** Why a run was ended from outside rather than by its script. */
export type Ending = 'timeout' | 'cancelled' | 'output_limit' | 'shutdown';

/** The status and sentence of a run ended from outside (time limit, cancel, output cap, closing). */
export function endedMessage(
  endedBy: Ending,
  script: Pick<ResolvedScript, 'manifest'>,
  maxOutputBytes: number,
): { status: RunStatus; message: string } {
  switch (endedBy) {
    case 'timeout':
      return {
        status: 'timeout',
        message: `Stopped after the time limit of ${script.manifest.timeoutSeconds} s.`,
      };
    case 'output_limit':
      return {
        status: 'output_limit',
        message: `Stopped because the script wrote more than ${formatBytes(maxOutputBytes)} of output; the log keeps the first ${formatBytes(maxOutputBytes)}.`,
      };
    case 'shutdown':
      return {
        status: 'interrupted',
        message: 'Stopped because ScriptDesk was closed during the run.',
      };
    case 'cancelled':
      return { status: 'cancelled', message: 'Cancelled by the user.' };
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

const RULE_STATUS = {
  success: 'succeeded',
  expected: 'expected',
  retriable: 'retriable',
  failed: 'failed',
} as const satisfies Record<string, RunStatus>;

/** Turns an exit code into a status and a sentence, using the manifest's exit-code table. */
export function statusFromExitCode(
  code: number | null,
  signal: NodeJS.Signals | null,
  script: Pick<ResolvedScript, 'manifest'>,
  os: OsName = HOST_OS,
): { status: RunStatus; message: string } {
  const words = exitWords(os, code, signal);
  if (code === null)
    return {
      status: 'failed',
      message: `The script was ended by ${words ?? 'an unknown signal'}: it crashed or something outside ScriptDesk stopped it; see the log.`,
    };
  const rule = script.manifest.exitCodes[String(code)];
  if (!rule)
    return code === 0
      ? { status: 'succeeded', message: 'Finished successfully.' }
      : {
          status: 'failed',
          message: words
            ? `The script was ended by ${words}, exit code ${code}; see the log.`
            : `The script failed with exit code ${code}; see the log.`,
        };
  const defaults = {
    success: 'Finished successfully.',
    expected: `Finished without a result (exit code ${code}).`,
    retriable: `A temporary problem stopped the script (exit code ${code}); try again later.`,
    failed: `The script failed with exit code ${code}; see the log.`,
  };
  return { status: RULE_STATUS[rule.status], message: rule.message ?? defaults[rule.status] };
}

/** The summary part of a stored run (what events carry). */
export function stripRun(run: StoredRun) {
  const {
    outputs: _outputs,
    runDir: _runDir,
    logLines: _logLines,
    logLevels: _logLevels,
    inputs: _inputs,
    reason: _reason,
    user: _user,
    scheduleId: _scheduleId,
    ...summary
  } = run;
  return summary;
}
