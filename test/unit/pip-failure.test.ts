import { describe, expect, it } from 'vitest';
import { summarisePipFailure } from '../../main/python/pip-failure.js';

// Real pip 23 output, captured from `pip install --no-index --require-hashes -r lock`.
const HASH_MISMATCH = `Looking in links: /v/.wheelhouse
Processing ./wh/alpha-1.0.0-py3-none-any.whl (from -r lock (line 1))
ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. Otherwise, examine the package contents carefully; someone may have tampered with them.
    alpha==1.0.0 from file:///tmp/exp/wh/alpha-1.0.0-py3-none-any.whl (from -r lock (line 1)):
        Expected sha256 0000000000000000000000000000000000000000000000000000000000000000
             Got        9267c4284410a3073157965d480051a1b50268a0b655f9d60f3b192f2877c341

`;

const NOT_FOUND = `Looking in links: wh
ERROR: Could not find a version that satisfies the requirement beta==1.0.0 (from versions: none)
ERROR: No matching distribution found for beta==1.0.0
`;

const HASHES_MISSING = `Processing ./wh/alpha-1.0.0-py3-none-any.whl (from -r lock3 (line 1))
ERROR: Hashes are required in --require-hashes mode, but they are missing from some requirements. Here is a list of those requirements along with the hashes their downloaded archives actually had. Add lines like these to your requirements files to prevent tampering.
    alpha==1.0.0 --hash=sha256:9267c4284410a3073157965d480051a1b50268a0b655f9d60f3b192f2877c341
`;

describe("pip's failure, summarised", () => {
  it('names the package whose wheel does not match the hash in the lock, in one short line', () => {
    const reason = summarisePipFailure(HASH_MISMATCH);
    expect(reason).toBe(
      'THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE: alpha==1.0.0 (the lock pins sha256 000000000000…, the wheel is 9267c4284410…); the catalogue administrator must correct the lock or the wheel',
    );
    expect(reason).not.toContain('\n');
  });

  it('keeps each distinct ERROR line when a pinned package is missing from the wheelhouse', () => {
    expect(summarisePipFailure(NOT_FOUND)).toBe(
      'Could not find a version that satisfies the requirement beta==1.0.0 (from versions: none); No matching distribution found for beta==1.0.0',
    );
  });

  it('lists the requirements that lack a hash', () => {
    expect(summarisePipFailure(HASHES_MISSING)).toBe(
      'Hashes are required in --require-hashes mode, but they are missing from some requirements: alpha==1.0.0 (every lock line needs --hash=sha256:…)',
    );
  });

  it('falls back to the last line when pip printed no ERROR line, and caps the length', () => {
    expect(
      summarisePipFailure('Traceback (most recent call last):\n  ...\nOSError: disk full\n'),
    ).toBe('OSError: disk full');
    expect(summarisePipFailure(`ERROR: ${'x'.repeat(2000)}`).length).toBeLessThanOrEqual(400);
  });
});
