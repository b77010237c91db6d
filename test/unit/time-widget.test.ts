import type { RJSFSchema } from '@rjsf/utils';
import { describe, expect, it } from 'vitest';
import { clockOf, timeOf, zoneText } from '../../forms/theme/time-value.js';
import { pageValidator } from '../support/precompiled.js';

describe('the time picker (a format "time" field) keeps the zone a JSON Schema time needs', () => {
  it.each([
    [0, 'Z'],
    [60, '+01:00'],
    [330, '+05:30'],
    [-300, '-05:00'],
    [-570, '-09:30'],
  ])('writes %i minutes east of UTC as %s', (minutes, text) => {
    expect(zoneText(minutes)).toBe(text);
  });

  it.each([
    ['18:00', 60, '18:00:00+01:00'],
    ['18:00:05', 0, '18:00:05Z'],
    ['07:45', -300, '07:45:00-05:00'],
  ])('a picked %s at %i minutes east of UTC is sent as %s', (clock, minutes, value) => {
    expect(timeOf(clock, minutes)).toBe(value);
  });

  it.each([
    ['18:00:00+01:00', 60, '18:00:00'],
    ['18:00:00+01:00', 0, '17:00:00'],
    ['23:59:59Z', 60, '00:59:59'],
    ['00:30:00Z', -60, '23:30:00'],
    ['12:00:00.250Z', 0, '12:00:00.250'],
    ['09:15', 60, '09:15:00'],
  ])(
    'shows the value %s at %i minutes east of UTC as the clock time %s',
    (value, minutes, clock) => {
      expect(clockOf(value, minutes)).toBe(clock);
    },
  );

  it('shows nothing for a value that is not a time, and sends nothing for a clock that is not one', () => {
    expect(clockOf('tomorrow', 0)).toBe('');
    expect(clockOf(42, 0)).toBe('');
    expect(clockOf(undefined, 0)).toBe('');
    expect(timeOf('6pm', 0)).toBeUndefined();
  });

  it('what it sends passes a format "time" check, where the clock time alone does not', async () => {
    const schema: Record<string, unknown> = {
      type: 'object',
      properties: { cutoff: { type: 'string', format: 'time' } },
    };
    const validator = await pageValidator(schema);
    expect(
      validator.isValid(
        schema as RJSFSchema,
        { cutoff: timeOf('18:00', 60) },
        schema as RJSFSchema,
      ),
    ).toBe(true);
    expect(
      validator.isValid(schema as RJSFSchema, { cutoff: '18:00:00' }, schema as RJSFSchema),
    ).toBe(false);
  });
});
