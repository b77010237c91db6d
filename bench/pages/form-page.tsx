import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import MuiForm from '@rjsf/mui';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import ajvValidator from '@rjsf/validator-ajv8';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { ScriptSummary } from '../../main/contract/api.js';
import type { Transport } from '../../main/contract/transport.js';
import { precompiledFormValidator } from '../../forms/theme/index.js';
import { asValidatorModule } from '../../forms/validator-module.js';
import { TransportProvider } from '../../renderer/src/api/transport-context.js';
import { RunForm } from '../../renderer/src/scripts/run-form.js';
import { themeFor } from '../../renderer/src/theme.js';
import { untilQuiet } from '../page-idle.js';

/**
 * The `form` benchmark's page (bench/form.ts): mounts plain `@rjsf/mui` with
 * `@rjsf/validator-ajv8` (`?form=plain`) or ScriptDesk's run form with the form's precompiled
 * validator (`?form=scriptdesk`), on `?schema=NAME` (`schemas/NAME.json`,
 * `validators/NAME.js`), under the same theme, and times what the benchmark asks for in the page.
 */

interface Timing {
  ms: number;
}

const params = new URLSearchParams(location.search);
const asked = params.get('form');
const which = asked === 'plain' || asked === 'floor' ? asked : 'scriptdesk';
const name = params.get('schema') ?? 'f20';

/** Resolves after the next frame was painted (a task queued from a frame callback runs after it). */
function nextPaint(): Promise<number> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(0);
    }),
  );
}

/** Times from the next `type` event on the page (its timestamp) to the paint after it. */
function armFor(type: 'keydown' | 'click'): Promise<Timing> {
  return new Promise((resolve) => {
    window.addEventListener(
      type,
      (event) => {
        const start = event.timeStamp;
        void nextPaint().then((painted) => resolve({ ms: painted - start }));
      },
      { capture: true, once: true },
    );
  });
}

const script: ScriptSummary = {
  id: 'bench-form',
  title: 'Benchmark form',
  summary: '',
  category: 'Benchmark',
  version: '1',
  destructive: false,
  supportsDryRun: false,
  requireReason: false,
  scheduling: true,
  secrets: [],
  environment: { state: 'ready', message: null },
};

/** Main's answers for the run form: every input is valid and a run starts (nothing is sent). */
const transport: Transport = {
  call: (async (method: string) => {
    if (method === 'run.validate') return { ok: true, value: { valid: true, errors: [] } };
    if (method === 'run.start')
      return { ok: true, value: { runId: '00000000-0000-0000-0000-000000000000' } };
    return { ok: false, error: { code: 'internal', message: `not in the benchmark: ${method}` } };
  }) as Transport['call'],
  subscribe: () => () => {},
};

async function load() {
  const response = await fetch(`/schemas/${name}.json`);
  const { schema, uiSchema, typeInto } = (await response.json()) as {
    schema: RJSFSchema;
    uiSchema: UiSchema;
    typeInto: string[];
  };
  const validator =
    which === 'scriptdesk'
      ? precompiledFormValidator(
          asValidatorModule(await import(/* @vite-ignore */ `/validators/${name}.js`)),
          schema,
        )
      : undefined;
  return { schema, uiSchema, validator, typeInto };
}

const loaded = load();
const container = document.getElementById('root')!;
let armed: Promise<Timing> | undefined;

const bench = {
  ready: loaded.then(() => which),
  /** Mounts the form and times it to the first paint; with the page's element count then. */
  async mount(): Promise<{ ms: number; nodes: number }> {
    const { schema, uiSchema, validator, typeInto } = await loaded;
    const root = createRoot(container);
    const start = performance.now();
    flushSync(() =>
      root.render(
        <ThemeProvider theme={themeFor('light')}>
          <CssBaseline />
          {which === 'floor' ? (
            // What the browser itself costs: bare inputs with the ids typed into, and a submit
            // button, with no React work on a keystroke.
            <form onSubmit={(event) => event.preventDefault()}>
              {typeInto.map((id) => (
                <input key={id} id={id} aria-label={id} />
              ))}
              <button type="submit">Submit</button>
            </form>
          ) : validator ? (
            <TransportProvider transport={transport}>
              <RunForm
                script={script}
                schema={schema}
                uiSchema={uiSchema}
                validator={validator}
                onStarted={() => {}}
                opening={null}
              />
            </TransportProvider>
          ) : (
            // Plain rjsf as its users usually have it: live validation on every change, the
            // package's own validator (Ajv compiles the schema on first use), uncontrolled.
            <MuiForm
              schema={schema}
              uiSchema={uiSchema}
              validator={ajvValidator}
              liveValidate
              showErrorList={false}
            />
          )}
        </ThemeProvider>,
      ),
    );
    const painted = await nextPaint();
    return { ms: painted - start, nodes: document.getElementsByTagName('*').length };
  },
  /** Times the next key press (keydown → paint). */
  armKey(): void {
    armed = armFor('keydown');
  },
  /** Times the next click (click → paint). */
  armClick(): void {
    armed = armFor('click');
  },
  /** The armed timing, once its paint happened. */
  result(): Promise<Timing> {
    if (!armed) throw new Error('nothing was armed');
    return armed;
  },
  /** Resolves once the page is quiet (see `page-idle.ts`): a user reads a form before typing. */
  idle: untilQuiet,
  /** Resolves once two frames have painted with nothing in between (the page is quiet). */
  async settle(): Promise<void> {
    await nextPaint();
    await nextPaint();
  },
};

(window as unknown as { bench: typeof bench }).bench = bench;
