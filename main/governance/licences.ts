import type { LicencePolicy } from '../catalogue/governance-policy.js';
import { licenceAllowed, licenceIds, parseLicenceExpression } from './spdx.js';
import type { WheelMetadata } from './wheel-metadata.js';

/** A package's licence as read from its wheel. */
export interface PackageLicence {
  /** The SPDX expression, or null when the metadata says nothing ScriptDesk can read as one. */
  expression: string | null;
  /** Which metadata field it came from. */
  source: 'License-Expression' | 'License' | 'classifiers' | null;
  /** What the wheel says, as written, when it is not an SPDX expression (for the report). */
  text: string | null;
}

/** Common SPDX ids, so a free-text `License: MIT` field is read as the id it is. */
const KNOWN_IDS = [
  '0BSD',
  'AFL-3.0',
  'AGPL-3.0',
  'AGPL-3.0-only',
  'AGPL-3.0-or-later',
  'Apache-1.1',
  'Apache-2.0',
  'Artistic-2.0',
  'BSD-1-Clause',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'BSL-1.0',
  'CC0-1.0',
  'CC-BY-4.0',
  'CDDL-1.0',
  'EPL-1.0',
  'EPL-2.0',
  'EUPL-1.2',
  'GPL-2.0',
  'GPL-2.0-only',
  'GPL-2.0-or-later',
  'GPL-3.0',
  'GPL-3.0-only',
  'GPL-3.0-or-later',
  'HPND',
  'ISC',
  'LGPL-2.0-only',
  'LGPL-2.0-or-later',
  'LGPL-2.1',
  'LGPL-2.1-only',
  'LGPL-2.1-or-later',
  'LGPL-3.0',
  'LGPL-3.0-only',
  'LGPL-3.0-or-later',
  'MIT',
  'MIT-0',
  'MPL-2.0',
  'PSF-2.0',
  'Python-2.0',
  'Unlicense',
  'Zlib',
];
const KNOWN = new Map(KNOWN_IDS.map((id) => [id.toLowerCase(), id]));

/** Free-text licence names packages write, as SPDX ids (keys: lower case, letters and digits). */
const NAMES: Record<string, string> = {
  mitlicense: 'MIT',
  apache20: 'Apache-2.0',
  apachelicense20: 'Apache-2.0',
  apachelicenseversion20: 'Apache-2.0',
  apachesoftwarelicense20: 'Apache-2.0',
  bsd3clause: 'BSD-3-Clause',
  newbsd: 'BSD-3-Clause',
  bsd2clause: 'BSD-2-Clause',
  simplifiedbsd: 'BSD-2-Clause',
  gplv3: 'GPL-3.0-only',
  gplv3orlater: 'GPL-3.0-or-later',
  gplv2: 'GPL-2.0-only',
  gplv2orlater: 'GPL-2.0-or-later',
  lgplv3: 'LGPL-3.0-only',
  lgplv21: 'LGPL-2.1-only',
  mpl20: 'MPL-2.0',
  mozillapubliclicense20: 'MPL-2.0',
  psf: 'PSF-2.0',
  psflicense: 'PSF-2.0',
  isclicense: 'ISC',
  publicdomain: 'LicenseRef-Public-Domain',
};

/** Trove classifiers that name one licence (`License :: ` left off). Ambiguous ones are absent. */
const CLASSIFIERS: Record<string, string> = {
  'OSI Approved :: MIT License': 'MIT',
  'OSI Approved :: MIT No Attribution License (MIT-0)': 'MIT-0',
  'OSI Approved :: Apache Software License': 'Apache-2.0',
  'OSI Approved :: ISC License (ISCL)': 'ISC',
  'OSI Approved :: Python Software Foundation License': 'PSF-2.0',
  'OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'OSI Approved :: The Unlicense (Unlicense)': 'Unlicense',
  'OSI Approved :: zlib/libpng License': 'Zlib',
  'OSI Approved :: Boost Software License 1.0 (BSL-1.0)': 'BSL-1.0',
  'OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'OSI Approved :: GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'OSI Approved :: GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'OSI Approved :: GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'OSI Approved :: GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'OSI Approved :: GNU Affero General Public License v3': 'AGPL-3.0-only',
  'OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'CC0 1.0 Universal (CC0 1.0) Public Domain Dedication': 'CC0-1.0',
};

/**
 * The licence a wheel declares: `License-Expression` (PEP 639) as written; else a `License`
 * field that is an SPDX expression of known ids or a common licence name; else the licence
 * classifiers, all of which apply (joined with AND: the classifiers do not say that a choice is
 * offered). Anything else is unknown, with the wheel's own words kept for the report.
 */
export function licenceOf(metadata: WheelMetadata): PackageLicence {
  if (metadata.licenseExpression && parseLicenceExpression(metadata.licenseExpression))
    return { expression: metadata.licenseExpression, source: 'License-Expression', text: null };
  const fromText = metadata.license ? licenceFromText(metadata.license) : null;
  if (fromText) return { expression: fromText, source: 'License', text: null };
  const classified = metadata.classifiers
    .filter((c) => c.startsWith('License :: '))
    .map((c) => c.slice('License :: '.length));
  const ids = classified.map((c) => CLASSIFIERS[c]);
  if (ids.length > 0 && ids.every(Boolean))
    return { expression: [...new Set(ids)].join(' AND '), source: 'classifiers', text: null };
  const said = [
    metadata.licenseExpression,
    metadata.license,
    ...classified.map((c) => `classifier "${c}"`),
  ].filter(Boolean);
  return { expression: null, source: null, text: said.length ? said.join('; ') : null };
}

function licenceFromText(text: string): string | null {
  const term = parseLicenceExpression(text);
  if (term && licenceIds(term).every((id) => KNOWN.has(id.toLowerCase())))
    return text.replace(/\S+/g, (word) => KNOWN.get(word.toLowerCase()) ?? word);
  return (
    NAMES[
      text
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .replace(/licen[cs]e$/, 'license')
    ] ?? null
  );
}

/** What the licence policy says of a package: allowed, refused (not allowed) or unknown. */
export type LicenceVerdict =
  { status: 'allowed' } | { status: 'refused' | 'unknown'; action: 'refuse' | 'warn' };

/** Applies `policy` (none: every licence allowed) to a package's licence. */
export function judgeLicence(
  licence: PackageLicence,
  policy: LicencePolicy | undefined,
): LicenceVerdict {
  if (!policy) return { status: 'allowed' };
  const term = licence.expression ? parseLicenceExpression(licence.expression) : null;
  if (!term) return { status: 'unknown', action: policy.unknown ?? 'refuse' };
  return licenceAllowed(term, policy.allowed)
    ? { status: 'allowed' }
    : { status: 'refused', action: 'refuse' };
}
