import type { RJSFSchema, UiSchema, ValidatorType } from '@rjsf/utils';
import type { ErrorObject } from 'ajv';
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type { ScriptSummary } from '../../../main/contract/api.js';
import type { Transport } from '../../../main/contract/transport.js';
import { precompiledFormValidator } from '../../../forms/theme/index.js';
import type { CompiledCheck } from '../../../forms/compiled-check.js';
import { VALIDATOR_MODULE_FORMAT } from '../../../forms/validator-module.js';

/**
 * The first key typed into a page's first form, and its first Run, used to be 2–4x slower than
 * the ones after: the browser compiles React's update path, Material UI's and the form's code for
 * a change and an error the first time they run, and Emotion inserts the error styles then. Here a
 * small form of the same kind (the real form component, theme and precompiled-check adapter) is
 * rendered once per page into an element that is never attached to the document, sent a typed
 * character and a submit while the browser is idle, and thrown away: the user's first key and
 * first Run then run code that is already compiled. Nothing is shown, focused or announced (a
 * detached element has no layout and no accessibility node), and the probe talks to a transport
 * that refuses every call, so nothing reaches main.
 */

/** What the probe form is drawn with; `render` puts it in the real form's theme and component. */
export interface WarmUpForm {
  script: ScriptSummary;
  schema: RJSFSchema;
  uiSchema: UiSchema;
  validator: ValidatorType<Record<string, unknown>>;
  /** Answers every call with a refusal: the probe must never reach main. */
  transport: Transport;
}

// Names no real form uses, so the probe's element ids (`root_<name>`) cannot collide with a
// field that the real form's focus code looks up by id.
const TYPED = 'scriptdeskWarmUpTyped';
const MISSING = 'scriptdeskWarmUpMissing';
const MODE = 'scriptdeskWarmUpMode';

/** The condition's `if`: RJSF asks the precompiled checks about it (keyed by `$id`) on a change. */
const WHEN_OTHER: RJSFSchema = {
  $id: 'scriptdesk-warm-up-if',
  properties: { [MODE]: { const: 'other' } },
  required: [MODE],
};

/** A text field, a choice with a default and a condition on it, and a required field left empty. */
const SCHEMA: RJSFSchema = {
  $id: 'scriptdesk-warm-up',
  type: 'object',
  required: [MISSING],
  properties: {
    [MODE]: { type: 'string', title: 'Mode', enum: ['usual', 'other'], default: 'usual' },
    [TYPED]: { type: 'string', title: 'Typed' },
    [MISSING]: { type: 'string', title: 'Missing' },
  },
  allOf: [{ if: WHEN_OTHER, then: { required: [TYPED] } }],
};

/** Ajv's error for a missing required property. */
function missingError(property: string): ErrorObject {
  return {
    instancePath: '',
    schemaPath: '#/required',
    keyword: 'required',
    params: { missingProperty: property },
    message: `must have required property '${property}'`,
  };
}

const filled = (data: unknown, property: string) => {
  const value = (data as Record<string, unknown> | null)?.[property];
  return typeof value === 'string' && value !== '';
};

/** The probe's checks, in the shape of precompiled ones: the form's and its condition's. */
const formCheck: CompiledCheck = (data: unknown) => {
  formCheck.errors = filled(data, MISSING) ? null : [missingError(MISSING)];
  return formCheck.errors === null;
};
const conditionCheck: CompiledCheck = (data: unknown) => {
  conditionCheck.errors = null;
  return (data as Record<string, unknown> | null)?.[MODE] === 'other';
};

const refusing: Transport = {
  call: (async () => ({
    ok: false,
    error: { code: 'internal', message: 'The form warm-up sends nothing to main.' },
  })) as Transport['call'],
  subscribe: () => () => {},
};

function probe(): WarmUpForm {
  return {
    script: {
      id: 'scriptdesk-warm-up',
      title: 'Warm-up',
      summary: '',
      category: '',
      version: '0',
      destructive: false,
      supportsDryRun: false,
      requireReason: false,
      scheduling: false,
      secrets: [],
      environment: { state: 'ready', message: null },
    },
    schema: SCHEMA,
    uiSchema: {},
    validator: precompiledFormValidator(
      {
        format: VALIDATOR_MODULE_FORMAT,
        rootKey: SCHEMA.$id!,
        validators: { [SCHEMA.$id!]: formCheck, [WHEN_OTHER.$id!]: conditionCheck },
      },
      SCHEMA,
    ),
    transport: refusing,
  };
}

/** Sets an input's text the way typing does, so React's change handling runs as for a key. */
function type(input: HTMLInputElement, text: string): void {
  input.dispatchEvent(new KeyboardEvent('keydown', { key: text, bubbles: true, cancelable: true }));
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  setter.call(input, text);
  input.dispatchEvent(
    new InputEvent('input', { data: text, inputType: 'insertText', bubbles: true }),
  );
  input.dispatchEvent(new KeyboardEvent('keyup', { key: text, bubbles: true }));
}

/** The performance mark set once the warm-up has run. */
export const WARMED_UP = 'scriptdesk:form-warmed-up';

let started = false;

/**
 * Once per page, when the browser is idle: mounts the probe form drawn by `render` into a detached
 * element, types into it, submits it (invalid, so its errors are drawn and nothing is started),
 * and unmounts it, one step per idle moment so a user's key never waits long behind it. Does
 * nothing where the browser has no idle callbacks (the unit tests' DOM).
 */
export function warmUpFormOnce(render: (form: WarmUpForm) => ReactNode): void {
  if (started || typeof requestIdleCallback !== 'function') return;
  started = true;
  const container = document.createElement('div');
  let root: Root | undefined;
  const typed = () => container.querySelector<HTMLInputElement>(`#root_${TYPED}`);
  const steps: (() => void)[] = [
    () => {
      root = createRoot(container);
      flushSync(() => root!.render(render(probe())));
    },
    () => {
      // Focused and then filled, as a real field is when its first key arrives.
      typed()?.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    },
    () => {
      const input = typed();
      if (input) type(input, 'a');
    },
    () => {
      typed()?.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    },
    () => {
      // Pressing Run (its ripple too), then the submit a connected form's button would send.
      const run = container.querySelector('button[type="submit"]');
      for (const kind of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click']) {
        const Pointing = kind.startsWith('pointer') ? PointerEvent : MouseEvent;
        run?.dispatchEvent(new Pointing(kind, { bubbles: true, cancelable: true, button: 0 }));
      }
      container
        .querySelector('form')
        ?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    },
    () => {
      root?.unmount();
      // For whoever checks that it ran and left nothing behind (the end-to-end tests).
      performance.mark(WARMED_UP);
    },
  ];
  const next = () => {
    const step = steps.shift();
    if (!step) return;
    try {
      step();
    } catch {
      // Only a head start: a probe that fails costs the user nothing but that head start.
      steps.length = 0;
      root?.unmount();
      return;
    }
    requestIdleCallback(next);
  };
  requestIdleCallback(next);
}
