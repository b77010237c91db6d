import { describe, expect, it } from 'vitest';
import { AdvisoryPolicySchema } from '../../main/catalogue/governance-policy.js';
import { judgeAdvisory, type Advisory } from '../../main/governance/advisories.js';
import { cvss3BaseScore, severityOfScore } from '../../main/governance/cvss.js';
import { judgeLicence, licenceOf } from '../../main/governance/licences.js';
import { compareVersions } from '../../main/python/pep440.js';
import { licenceAllowed, parseLicenceExpression } from '../../main/governance/spdx.js';
import { parseCoreMetadata } from '../../main/governance/wheel-metadata.js';

const allowed = (expression: string, ids: string[]) =>
  licenceAllowed(parseLicenceExpression(expression)!, ids);

describe('SPDX expressions against licences.allowed', () => {
  it('passes OR when one side is allowed and AND only when both are', () => {
    expect(allowed('MIT OR GPL-3.0-only', ['MIT'])).toBe(true);
    expect(allowed('MIT AND GPL-3.0-only', ['MIT'])).toBe(false);
    expect(allowed('(MIT OR Apache-2.0) AND BSD-3-Clause', ['apache-2.0', 'bsd-3-clause'])).toBe(
      true,
    );
  });

  it('passes "X WITH exception" and "X+" when X is allowed', () => {
    expect(allowed('GPL-2.0-or-later WITH Classpath-exception-2.0', ['GPL-2.0-or-later'])).toBe(
      true,
    );
    expect(allowed('LGPL-2.1+', ['LGPL-2.1'])).toBe(true);
  });

  it('does not read free text or a dangling operator as an expression', () => {
    expect(parseLicenceExpression('BSD-like, see LICENSE')).toBeNull();
    expect(parseLicenceExpression('MIT OR')).toBeNull();
    expect(parseLicenceExpression('(MIT')).toBeNull();
  });
});

describe('licenceOf (a wheel’s core metadata)', () => {
  const meta = (text: string) => parseCoreMetadata(`Metadata-Version: 2.4\nName: x\n${text}\n`);

  it('prefers License-Expression, then a License field naming a licence, then classifiers', () => {
    expect(licenceOf(meta('License-Expression: MIT OR Apache-2.0\nLicense: GPL'))).toMatchObject({
      expression: 'MIT OR Apache-2.0',
      source: 'License-Expression',
    });
    expect(licenceOf(meta('License: Apache License, Version 2.0'))).toMatchObject({
      expression: 'Apache-2.0',
      source: 'License',
    });
    expect(
      licenceOf(
        meta(
          'License: see file\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Programming Language :: Python',
        ),
      ),
    ).toMatchObject({ expression: 'MIT', source: 'classifiers' });
  });

  it('leaves an ambiguous classifier unknown and keeps what the wheel said', () => {
    const licence = licenceOf(meta('Classifier: License :: OSI Approved :: BSD License'));
    expect(licence).toEqual({
      expression: null,
      source: null,
      text: 'classifier "OSI Approved :: BSD License"',
    });
    expect(judgeLicence(licence, { allowed: ['BSD-3-Clause'] })).toEqual({
      status: 'unknown',
      action: 'refuse',
    });
  });

  it('reads only the headers, joining indented continuation lines', () => {
    const parsed = parseCoreMetadata(
      'Name: pkg\nVersion: 1.0\nLicense: MIT\n        more text\n\nLicense-Expression: GPL-3.0-only\n',
    );
    expect(parsed).toMatchObject({ name: 'pkg', version: '1.0', license: 'MIT' });
    expect(parsed.licenseExpression).toBeNull();
  });
});

describe('PEP 440 ordering', () => {
  it('orders dev < pre < final < post, ignores trailing zeros and local labels', () => {
    const ordered = ['1.0.dev1', '1.0a1', '1.0b2', '1.0rc1', '1.0', '1.0.post1', '1.0.1', '1!0.1'];
    for (let i = 1; i < ordered.length; i++)
      expect(compareVersions(ordered[i - 1]!, ordered[i]!)).toBe(-1);
    expect(compareVersions('1.0.0', '1')).toBe(0);
    expect(compareVersions('2.0+local.1', '2.0')).toBe(0);
    expect(compareVersions('not a version', '1.0')).toBeNull();
  });
});

describe('CVSS v3 base scores', () => {
  it('matches FIRST’s calculator for known vectors', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')).toBe(10);
    expect(cvss3BaseScore('CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N')).toBe(6.1);
    expect(cvss3BaseScore('CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N')).toBe(0);
    expect(cvss3BaseScore('CVSS:4.0/AV:N/AC:L')).toBeNull();
    expect(severityOfScore(9.8)).toBe('critical');
    expect(severityOfScore(6.1)).toBe('moderate');
  });
});

describe('the advisory policy', () => {
  const advisory = (severity: Advisory['severity']): Advisory => ({
    id: 'GHSA-1',
    aliases: ['CVE-1'],
    summary: '',
    severity,
    severitySource: null,
    file: '',
    fixed: [],
    affects: () => true,
  });

  it('refuses at or above refuse, warns at or above warn, and lets accepted ones through', () => {
    const policy = { refuse: 'high', warn: 'moderate' } as const;
    expect(judgeAdvisory(advisory('critical'), policy)).toBe('refuse');
    expect(judgeAdvisory(advisory('high'), policy)).toBe('refuse');
    expect(judgeAdvisory(advisory('moderate'), policy)).toBe('warn');
    expect(judgeAdvisory(advisory('low'), policy)).toBe('ignore');
    expect(judgeAdvisory(advisory(null), policy)).toBe('warn');
    expect(
      judgeAdvisory(advisory('critical'), {
        ...policy,
        accepted: [{ id: 'cve-1', reason: 'n/a' }],
      }),
    ).toBe('accepted');
  });
});

describe('the advisory policy in catalogue.json', () => {
  it('refuses a warn threshold above the refuse threshold, saying which to change', () => {
    const parsed = AdvisoryPolicySchema.safeParse({ refuse: 'moderate', warn: 'high' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe(
      'warn must be a severity at or below refuse (what refuses is never only a warning); lower warn or raise refuse',
    );
    expect(AdvisoryPolicySchema.safeParse({ refuse: 'none', warn: 'critical' }).success).toBe(true);
    expect(AdvisoryPolicySchema.safeParse({ refuse: 'severe' }).success).toBe(false);
  });
});
