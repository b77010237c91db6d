import { describe, expect, it } from 'vitest';
import type { Preset } from '../../main/contract/api.js';
import { presetForLink } from '../../renderer/src/presets/preset-for-link.js';

const preset = (source: Preset['source'], name: string): Preset => ({
  source,
  name,
  inputs: { from: `${source}:${name}` },
  savedAt: source === 'mine' ? '2026-12-01T09:00:00.000Z' : null,
});

const PRESETS = [
  preset('mine', 'Shared name'),
  preset('mine', 'ACME fleet'),
  preset('admin', 'Car loan, 5 years'),
  preset('admin', 'Shared name'),
  preset('mine', 'car LOAN, 5 YEARS'),
];

describe('which preset a link opens the form with', () => {
  it('takes the name as written', () => {
    expect(presetForLink(PRESETS, 'ACME fleet')?.inputs).toEqual({ from: 'mine:ACME fleet' });
  });

  it('prefers the administrator’s preset when the user has one of the same name', () => {
    expect(presetForLink(PRESETS, 'Shared name')?.source).toBe('admin');
  });

  it('prefers the exact name over one that differs only in case', () => {
    expect(presetForLink(PRESETS, 'car LOAN, 5 YEARS')?.source).toBe('mine');
  });

  it('finds a name written in another case', () => {
    expect(presetForLink(PRESETS, 'acme FLEET')?.name).toBe('ACME fleet');
  });

  it('finds nothing for a name the script has no preset of', () => {
    expect(presetForLink(PRESETS, 'ACME')).toBeUndefined();
    expect(presetForLink([], 'ACME fleet')).toBeUndefined();
  });
});
