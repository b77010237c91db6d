import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonObject } from './schema-walk.js';
import type { Accepts } from './value-walk.js';
import { sharedAjvOptions } from './vocabulary.js';

/** The base URI a form schema without `$id` is registered under, for references into it. */
const FORM_BASE = 'https://scriptdesk.invalid/form.schema.json';

const acceptors = new WeakMap<JsonObject, Accepts>();

/**
 * Answers, with Ajv, whether the subschema written at a pointer of `root` accepts a value: how
 * main tells which `then`/`else`, `anyOf`/`oneOf` branch or `contains` item applies to an input.
 * Not strict (a branch compiled on its own lacks its parent's `type`; the whole schema passed
 * strict mode at build). A branch Ajv cannot compile counts as applying, the safe side for
 * checks. One Ajv per schema object, dropped with it.
 */
export function branchAcceptor(root: JsonObject): Accepts {
  let accepts = acceptors.get(root);
  if (!accepts) {
    accepts = createAcceptor(root);
    acceptors.set(root, accepts);
  }
  return accepts;
}

function createAcceptor(root: JsonObject): Accepts {
  const ajv = new Ajv({ ...sharedAjvOptions, allErrors: false, strict: false });
  addFormats.default(ajv);
  const base = typeof root.$id === 'string' ? root.$id.replace(/#$/, '') : FORM_BASE;
  let added = false;
  const compiled = new Map<string, ValidateFunction | null>();
  return (pointer, value) => {
    let validate = compiled.get(pointer);
    if (validate === undefined) {
      try {
        if (!added) ajv.addSchema(root, FORM_BASE);
        added = true;
        validate = ajv.compile({ $ref: base + toFragment(pointer) });
      } catch {
        validate = null;
      }
      compiled.set(pointer, validate);
    }
    return validate === null || validate(value) === true;
  };
}

/** A `#/a~1b/c` pointer as a URI fragment: each token percent-encoded, as Ajv decodes it. */
function toFragment(pointer: string): string {
  return pointer
    .split('/')
    .map((token, index) => (index === 0 ? token : encodeURIComponent(token)))
    .join('/');
}
