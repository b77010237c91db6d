import { TestRunner } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import type { ApiEvent, MethodInput, MethodName, MethodOutput } from '../../main/contract/api.js';
import { callTyped } from '../../main/contract/dispatcher.js';

/** Calls an API method as the web host would and throws the error (code, message, fields) on failure. */
export async function callOrThrow<M extends MethodName>(
  app: ScriptDeskApp,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const result = await callTyped(app.dispatch, method, input, { transport: 'http' });
  if (!result.ok)
    throw new Error(
      `${result.error.code}: ${result.error.message} ${JSON.stringify(result.error.fields ?? [])}`,
    );
  return result.value;
}

/** Starts a run through the API and waits for its final status event. */
export async function runToEnd(
  app: ScriptDeskApp,
  input: MethodInput<'run.start'>,
): Promise<{ runId: string; events: ApiEvent[]; detail: MethodOutput<'run.get'> }> {
  const events: ApiEvent[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const unsubscribe = app.subscribe((event) => {
    events.push(event);
    if (event.name === 'run.status' && event.payload.finishedAt !== null) finish();
  });
  const { runId } = await callOrThrow(app, 'run.start', input);
  await finished;
  unsubscribe();
  return {
    runId,
    events: events.filter((e) => 'runId' in e.payload && e.payload.runId === runId),
    detail: await callOrThrow(app, 'run.get', { runId }),
  };
}

/**
 * Waits until `check` holds, looking again every 50 ms. It has no time limit of its own: the
 * test's timeout is the only one, so a slow or busy machine makes it wait longer, never fail. When
 * the test times out meanwhile, it stops looking and the failure names `what`.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
): Promise<void> {
  const test = TestRunner.getCurrentTest();
  let waiting = true;
  test?.context.onTestFailed(() => {
    if (waiting) throw new Error(`timed out waiting for ${what}`);
  });
  try {
    while (!(await check())) {
      if (test?.context.signal.aborted) throw new Error(`stopped waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    waiting = false;
  }
}
