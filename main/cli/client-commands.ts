import { fileURLToPath } from 'node:url';
import { formatFieldError } from '../../forms/authority-validator.js';
import type { ScriptDeskApp } from '../app/app.js';
import { loadPublicKey } from '../catalogue/keys.js';
import { sourceFor } from '../catalogue/sources.js';
import { CatalogueRejected } from '../catalogue/verify.js';
import {
  isOutputFile,
  methods,
  type ApiEvent,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../contract/api.js';
import { callTyped } from '../contract/dispatcher.js';
import { ApiFailure, type ApiError } from '../contract/errors.js';
import { startWebHost } from '../host/web-host.js';
import { CliError } from './cli-error.js';
import { InputsRefused, readInputs } from './read-inputs.js';
import type { Out } from './terminal-output.js';

/** Calls an API method the way the UI does and turns a failure into a {@link CliError}. */
export async function call<M extends MethodName>(
  app: ScriptDeskApp,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const result = await callTyped(app.dispatch, method, input, { transport: 'cli' });
  if (result.ok) return result.value;
  const hints =
    result.error.code === 'secret_missing' && 'scriptId' in input
      ? await secretHints(app, String(input.scriptId))
      : [];
  throw failure(result.error, hints);
}

function failure(error: ApiError, hints: string[] = []): CliError {
  const fields = (error.fields ?? []).map((f) => `  ${formatFieldError(f)}`);
  return new CliError(error.message, 1, { details: [...fields, ...hints] });
}

/** The exact commands that set a script's missing secrets (the value is read from stdin). */
async function secretHints(app: ScriptDeskApp, scriptId: string): Promise<string[]> {
  const status = await callTyped(
    app.dispatch,
    'secrets.status',
    { scriptId },
    { transport: 'cli' },
  );
  if (!status.ok) return [];
  return status.value.secrets
    .filter((secret) => !secret.set)
    .map(
      (secret) =>
        `Set it with: scriptdesk secrets set ${scriptId} ${secret.name}  (reads the value from stdin)`,
    );
}

/** `scriptdesk sync [--from DIR|URL] [--pubkey PUB]... [--audience NAME]` */
export async function syncCommand(
  app: ScriptDeskApp,
  options: { from?: string; pubkey: string[]; audience?: string },
  out: Out,
): Promise<void> {
  const { trust, catalogue } = app.services;
  for (const file of options.pubkey) {
    const key = await loadPublicKey(file).catch((error: Error) => {
      throw new CliError(error.message, 1, { cause: error });
    });
    await trust.add(key);
  }
  let source;
  try {
    source = options.from ? sourceFor(options.from) : undefined;
  } catch (error) {
    throw new CliError(`--from: ${(error as Error).message}`, 2, { cause: error });
  }
  try {
    const outcome = await catalogue.sync(
      source,
      options.audience ? { audience: options.audience } : {},
    );
    if (outcome.kind === 'unchanged')
      out.line(
        `Catalogue version ${outcome.version} is up to date (expires ${outcome.expires}); nothing to do.`,
      );
    else {
      const from =
        outcome.previousVersion === null
          ? 'first install'
          : `was version ${outcome.previousVersion}`;
      out.line(
        `Installed catalogue "${outcome.document.name}" version ${outcome.document.version} (${from}); ${outcome.blobsFetched} files fetched; expires ${outcome.document.expires}`,
      );
    }
  } catch (error) {
    if (error instanceof CatalogueRejected)
      throw new CliError(
        `sync refused (${error.reason}): ${error.message}; the previous catalogue stays in use`,
        1,
        { cause: error },
      );
    throw error;
  }
}

/** `scriptdesk list [--json]` */
export async function listCommand(
  app: ScriptDeskApp,
  options: { json?: boolean },
  out: Out,
  err: Out,
): Promise<void> {
  const { scripts } = await call(app, 'catalogue.list', {});
  const status = await call(app, 'catalogue.status', {});
  if (status.expired && status.installed)
    err.line(
      `Warning: catalogue version ${status.installed.version} expired on ${status.installed.expires}; runs are blocked until you sync a newer one.`,
    );
  if (options.json) return out.json(scripts);
  if (scripts.length === 0)
    return out.line(
      'No scripts available. Sync a catalogue first: scriptdesk sync --from DIR --pubkey PUB',
    );
  const width = Math.max(...scripts.map((s) => s.id.length));
  for (const s of scripts) {
    const marks = [s.destructive ? 'destructive' : '', s.supportsDryRun ? 'dry-run' : '']
      .filter(Boolean)
      .join(', ');
    out.line(
      `${s.id.padEnd(width)}  ${s.version.padEnd(8)} ${s.title}${marks ? `  [${marks}]` : ''}`,
    );
  }
}

/** `scriptdesk validate SCRIPT_ID --inputs FILE` — exit 0 valid, 1 invalid with the errors as JSON on stdout. */
export async function validateCommand(
  app: ScriptDeskApp,
  scriptId: string,
  options: { inputs: string },
  out: Out,
  err: Out,
): Promise<number> {
  const inputs = await readInputs(options.inputs);
  const result = await call(app, 'run.validate', { scriptId, inputs });
  out.json(result);
  for (const error of result.errors) err.line(formatFieldError(error));
  return result.valid ? 0 : 1;
}

/** `scriptdesk run SCRIPT_ID --inputs FILE|-` — same pipeline as the app; exits with the script's exit code. */
export async function runCommand(
  app: ScriptDeskApp,
  scriptId: string,
  options: { inputs: string; dryRun?: boolean; reason?: string; yes?: boolean },
  out: Out,
  err: Out,
): Promise<number> {
  const inputs = await readInputs(options.inputs).catch((error: unknown) => {
    // Refused before the runner saw them, so journaled here as the runner journals its refusals;
    // a request the contract would refuse anyway (a malformed script id) is not journaled there either.
    const request = { scriptId, inputs: {}, dryRun: options.dryRun, reason: options.reason };
    if (error instanceof InputsRefused && methods['run.start'].input.safeParse(request).success)
      app.services.runner.journalRefusal(
        request,
        new ApiFailure('invalid_inputs', error.auditMessage),
      );
    throw error;
  });
  const seen: ApiEvent[] = [];
  let runId: string | null = null;
  let resolveDone: (status: MethodOutput<'run.get'>['status']) => void = () => {};
  const done = new Promise<MethodOutput<'run.get'>['status']>((resolve) => (resolveDone = resolve));
  const onEvent = (event: ApiEvent) => {
    if (
      event.name === 'catalogue.status' ||
      event.name === 'environment.status' ||
      event.name === 'audit.status' ||
      event.name === 'prefs.changed' ||
      event.name === 'run.notice' ||
      event.name === 'schedules.changed'
    )
      return;
    if (event.payload.runId !== runId) return;
    if (event.name === 'run.log') {
      if (event.payload.omitted > 0)
        err.line(
          `[${event.payload.omitted} log lines not shown here; the run's log.txt has them all]`,
        );
      for (const entry of event.payload.lines)
        (entry.stream === 'stdout' ? out : err).line(entry.line);
    } else if (event.name === 'run.progress')
      err.line(`[${Math.round(event.payload.percent)}%] ${event.payload.label}`);
    else if (event.payload.finishedAt !== null) resolveDone(event.payload.status);
  };
  // Events may arrive before run.start returns the id: hold them until it is known.
  const unsubscribe = app.subscribe((event) =>
    runId === null ? seen.push(event) : onEvent(event),
  );
  try {
    const started = await call(app, 'run.start', {
      scriptId,
      inputs,
      dryRun: options.dryRun === true,
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.yes ? { confirmed: true } : {}),
    });
    runId = started.runId;
    err.line(`Run ${runId} started`);
    seen.splice(0).forEach(onEvent);
    await done;
    const run = await call(app, 'run.get', { runId });
    err.line(`Run ${runId} ${run.status}: ${run.message}`);
    for (const output of run.outputs)
      err.line(
        isOutputFile(output)
          ? `  output ${output.name} (${output.size} bytes) in ${run.outputDir}`
          : `  not read: ${output.name} in ${run.outputDir}: ${output.note}`,
      );
    // The record goes to the audit endpoint now if it answers at once; otherwise it waits in the
    // journal for `audit flush`, the next run or the app, which retry. Offline, this costs nothing.
    const delivery = await app.services.reporter?.flush(new Date(Date.now() + 5000), {
      retry: false,
    });
    if (delivery && delivery.pending > 0)
      err.line(
        `[${delivery.pending} audit event${delivery.pending > 1 ? 's' : ''} waiting for delivery: ${delivery.lastError ?? 'not sent yet'}]`,
      );
    return run.exitCode ?? 1;
  } finally {
    unsubscribe();
  }
}

/** `scriptdesk web [--port N]` — serves the app on 127.0.0.1 until interrupted. */
export async function webCommand(
  app: ScriptDeskApp,
  options: { port: string },
  out: Out,
): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port "${options.port}" must be a port number (0 picks a free one)`, 2);
  const host = await startWebHost({
    dispatch: app.dispatch,
    subscribe: (listener) => app.subscribe(listener),
    validatorModule: (sha256) => app.validatorModule(sha256),
    rendererDir: fileURLToPath(new URL('../../renderer', import.meta.url)),
    port,
  });
  out.line(
    `ScriptDesk is serving on 127.0.0.1 only. Open this address in your browser (it holds this session's key):`,
  );
  out.line(`  ${host.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
}
