import path from 'node:path';
import { AUDIT_TYPES } from '../audit/journal.js';
import { isStillRunning } from '../shared/process-identity.js';
import { listOutputs } from './outputs.js';
import { endInterruptedRun } from './run-processes.js';
import type { StoredRun } from './run-store.js';
import type { RunnerDeps } from './runner-deps.js';

/**
 * Finds runs a crash or power loss left unfinished (no ScriptDesk process owns them any more),
 * stops their script if it is somehow still running, and records them as interrupted. Runs
 * owned by another live ScriptDesk process (the CLI beside the app), or by this one (`isHere`),
 * are left alone.
 */
export async function recoverUnfinished(
  deps: Pick<RunnerDeps, 'runs' | 'journal' | 'identity'> & { now: () => Date },
  isHere: (runId: string) => boolean,
): Promise<StoredRun[]> {
  const recovered: StoredRun[] = [];
  for (const run of deps.runs.unfinished()) {
    if (isHere(run.runId)) continue;
    if (run.owner && isStillRunning(run.owner)) continue;
    const stillRunning = await endInterruptedRun(run.process, run.runId);
    const outputs = await listOutputs(path.join(run.runDir, 'outputs'));
    const finishedAt = deps.now().toISOString();
    const message =
      run.status === 'queued'
        ? 'ScriptDesk stopped before this queued run started.'
        : stillRunning
          ? 'ScriptDesk stopped during this run; the script was still going and was stopped when ScriptDesk started again. Its result is unknown.'
          : 'ScriptDesk stopped during this run (a crash or power loss); its result is unknown.';
    const done: StoredRun = { ...run, status: 'interrupted', message, finishedAt, outputs };
    deps.runs.transaction(() => {
      deps.journal.append(AUDIT_TYPES.runInterrupted, `${run.scriptId}@${run.scriptVersion}`, {
        runId: run.runId,
        scriptId: run.scriptId,
        scriptVersion: run.scriptVersion,
        user: deps.identity.user,
        host: deps.identity.host,
        status: 'interrupted',
        wasQueued: run.status === 'queued',
        processStillRunning: stillRunning,
        startedAt: run.startedAt,
        detectedAt: finishedAt,
        outputs,
      });
      deps.runs.update(run.runId, { status: 'interrupted', message, finishedAt, outputs });
    });
    recovered.push(done);
  }
  return recovered;
}
