import { describe, expect, it } from 'vitest';
import {
  parseSpecifier,
  pythonMismatch,
  satisfiesSpecifier,
  SpecifierError,
} from '../../main/python/version-specifier.js';

describe('the script.json python specifier matcher', () => {
  it.each([
    ['3.11.7', '', true],
    ['3.11.7', '   ', true],
    ['3.11.7', '>=3.9', true],
    ['3.9.0', '>=3.9', true],
    ['3.8.18', '>=3.9', false],
    ['3.11.7', '>=3.12', false],
    ['3.11.7', '<=3.11', false],
    ['3.11.0', '<=3.11', true],
    ['3.11.7', '<3.12', true],
    ['3.12.0', '<3.12', false],
    ['3.12.0rc1', '<3.12', false],
    ['3.12.0rc1', '>=3.12', false],
    ['3.12.0rc1', '>=3.12.0rc1', true],
    ['3.11.7', '>3.11', true],
    ['3.11.0', '>3.11', false],
    ['3.11.7', '==3.11.7', true],
    ['3.11.0', '==3.11', true],
    ['3.11.7', '==3.11', false],
    ['3.11.7', '==3.11.*', true],
    ['3.12.1', '==3.11.*', false],
    ['3.11.7', '!=3.11.*', false],
    ['3.10.2', '!=3.11.*', true],
    ['3.11.7', '!=3.11.6', true],
    ['3.11.7', '~=3.9', true],
    ['4.0.0', '~=3.9', false],
    ['3.9.5', '~=3.9.1', true],
    ['3.10.0', '~=3.9.1', false],
    ['3.11.7', '>=3.9,<4', true],
    ['3.11.7', ' >= 3.9 , != 3.11.* , < 4 ', false],
    ['3.14.0a1+', '>=3.14.0a1', true],
    // A prefix keeps its zeros: 3.0.* is 3.0.x only, ~=3.0 is any 3.x.
    ['3.5.1', '==3.0.*', false],
    ['3.0.4', '==3.0.*', true],
    ['3.5.1', '~=3.0', true],
    ['3.13.0', '<3.13.0.1', true],
  ])('Python %s against "%s" is %s', (version, specifier, expected) => {
    expect(satisfiesSpecifier(version, specifier)).toBe(expected);
  });

  it.each([
    ['>=3.x', '"3.x" is not a version'],
    ['3.9', 'does not start with one of'],
    ['=>3.9', 'does not start with one of'],
    ['~=3', '~= needs at least two numbers'],
    ['>=3.9.*', 'a .* wildcard only goes with == or !='],
    ['>=3.9,', 'does not start with one of'],
    ['===3.9', 'is not a version'],
    ['>=3.9+local', 'is not a version'],
    ['>=1!3.9', 'is not a version'],
    ['>=3.9.post1', 'is not a version'],
    ['>=3.9.dev0', 'is not a version'],
  ])('refuses the specifier "%s", saying %s', (specifier, reason) => {
    expect(() => parseSpecifier(specifier)).toThrow(SpecifierError);
    expect(() => parseSpecifier(specifier)).toThrow(reason);
  });

  it('says what a script needs and what this computer has when the version does not match', () => {
    expect(pythonMismatch('>=3.12', '3.11.7')).toMatch(
      /^needs Python >=3\.12; this computer has 3\.11\.7\./,
    );
    expect(pythonMismatch('>=3.9', '3.11.7')).toBeNull();
  });

  it('names a specifier it cannot read, and who must fix it', () => {
    expect(pythonMismatch('>=three', '3.11.7')).toBe(
      'script.json field `python` (">=three") is not a version specifier ScriptDesk understands: ">=three": "three" is not a version like 3.9 or 3.10.2; ask the catalogue administrator to correct it',
    );
  });
});
