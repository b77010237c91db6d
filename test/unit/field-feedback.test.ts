import type { RJSFSchema } from '@rjsf/utils';
import { describe, expect, it } from 'vitest';
import { liveFieldErrors } from '../../forms/theme/error-messages.js';
import {
  pointerToPath,
  shownErrors,
  type PlacedError,
} from '../../renderer/src/scripts/field-errors.js';
import { pageValidator } from '../support/precompiled.js';

/** The demo's "Other separator": required once "Other" is chosen (if/then). */
const schema: RJSFSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['delimiter', 'topN'],
  properties: {
    delimiter: { type: 'string', title: 'Separator', enum: ['comma', 'other'] },
    otherDelimiter: { type: 'string', title: 'Other separator', maxLength: 1 },
    topN: { type: 'integer', title: 'Most frequent values to list', maximum: 50 },
  },
  if: { properties: { delimiter: { const: 'other' } }, required: ['delimiter'] },
  then: { properties: { otherDelimiter: { type: 'string' } }, required: ['otherDelimiter'] },
};

/** The page's validator for the form: precompiled, as the renderer loads it. */
const validator = await pageValidator(schema as Record<string, unknown>);

/** What the run form computes: the renderer's problems, placed on fields. */
function problems(data: Record<string, unknown>): PlacedError[] {
  return liveFieldErrors(validator, schema, {}, data).map((error) => ({
    path: pointerToPath(error.path),
    message: error.message,
    triggers: error.triggers.map(pointerToPath),
  }));
}

const none = new Set<string>();

describe('which problems the run form shows before Run is pressed', () => {
  it('flags a field a condition made required at once, on the field, beside the other problems', () => {
    const shown = shownErrors(problems({ delimiter: 'other', topN: 99 }), {
      attempted: false,
      touched: new Set(['root_topN']),
      changed: new Set(['root_delimiter', 'root_topN']),
    });
    expect(shown).toEqual([
      expect.objectContaining({
        path: ['otherDelimiter'],
        message: 'Other separator is required.',
      }),
      expect.objectContaining({
        path: ['topN'],
        message: 'Most frequent values to list must be at most 50.',
      }),
    ]);
  });

  it('also when the field the condition looks at was only left, not changed', () => {
    const shown = shownErrors(problems({ delimiter: 'other' }), {
      attempted: false,
      touched: new Set(['root_delimiter']),
      changed: none,
    });
    expect(shown.map(({ message }) => message)).toEqual(['Other separator is required.']);
  });

  it('shows nothing of a field the user has not reached, unless a condition put it there', () => {
    const all = problems({ delimiter: 'other', topN: 99 });
    expect(all).toHaveLength(2);
    const shown = shownErrors(all, {
      attempted: false,
      touched: new Set(['root_topN']),
      changed: none,
    });
    expect(shown.map(({ message }) => message)).toEqual([
      'Most frequent values to list must be at most 50.',
    ]);
  });

  it('shows every problem once Run was pressed', () => {
    const all = problems({ delimiter: 'other', topN: 99 });
    expect(shownErrors(all, { attempted: true, touched: none, changed: none })).toEqual(all);
  });
});
