import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdvisories } from '../../main/governance/advisories.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { SourceError } from '../../main/publishing/source-problems.js';
import { copySource, makeKeys } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { lockFor, makeWheel, type TestWheel } from '../support/wheels.js';

const GPL_CLASSIFIER = `classifiers = ["License :: OSI Approved :: GNU General Public License v3 (GPLv3)"]\n`;
const MIT_TEXT = `license = { text = "MIT" }\n`;

/**
 * The fixture source with three wheels: `permissive` (License: MIT) locked by probe,
 * `copyleft` (a GPLv3 classifier) locked by probe and argparse-probe, and `leftover` (MIT),
 * approved and in the wheelhouse but locked by nobody.
 */
async function governedSource(catalogueExtra: Record<string, unknown> = {}): Promise<{
  source: string;
  wheels: Record<'permissive' | 'copyleft' | 'leftover', TestWheel>;
}> {
  const source = await copySource();
  const wheelhouse = path.join(source, 'wheels');
  await mkdir(wheelhouse);
  const wheels = {
    permissive: await makeWheel(wheelhouse, 'permissive', '1.2.0', 'p', MIT_TEXT),
    copyleft: await makeWheel(wheelhouse, 'copyleft', '2.0.0', 'c', GPL_CLASSIFIER),
    leftover: await makeWheel(wheelhouse, 'leftover', '0.1.0', 'l', MIT_TEXT),
  };
  const file = path.join(source, 'catalogue.json');
  const catalogue = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(
    file,
    JSON.stringify({
      ...catalogue,
      approvedPackages: { permissive: ['1.2.0'], Copyleft: ['2.0.0'], leftover: ['0.1.0'] },
      ...catalogueExtra,
    }),
  );
  await writeFile(
    path.join(source, 'scripts', 'probe', 'requirements.lock'),
    lockFor([wheels.permissive, wheels.copyleft]),
  );
  await writeFile(
    path.join(source, 'scripts', 'argparse-probe', 'requirements.lock'),
    `# one package\n${lockFor([wheels.copyleft])}`,
  );
  return { source, wheels };
}

/** An OSV advisory (as the OSV database exports them) for `name` from 0 until `fixed`. */
function osv(id: string, name: string, fixed: string, extra: Record<string, unknown>) {
  return {
    schema_version: '1.6.0',
    id,
    aliases: [`CVE-2026-${id.length}0001`],
    summary: `Remote code execution in ${name}`,
    affected: [
      {
        package: { ecosystem: 'PyPI', name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
    ...extra,
  };
}

async function advisoryDir(): Promise<string> {
  const dir = await tempDir('scriptdesk-osv-');
  await mkdir(path.join(dir, 'PyPI'));
  // Critical for the locked 1.2.0 (fixed in 1.2.1), rated by GitHub's database_specific.
  await writeFile(
    path.join(dir, 'PyPI', 'GHSA-aaaa-bbbb-cccc.json'),
    JSON.stringify(
      osv('GHSA-aaaa-bbbb-cccc', 'Permissive', '1.2.1', {
        database_specific: { severity: 'CRITICAL' },
      }),
    ),
  );
  // Fixed before the locked version: does not apply.
  await writeFile(
    path.join(dir, 'PyPI', 'PYSEC-2020-1.json'),
    JSON.stringify(
      osv('PYSEC-2020-1', 'permissive', '1.0.0', {
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      }),
    ),
  );
  // Another ecosystem with the same name: ignored.
  await writeFile(
    path.join(dir, 'npm-thing.json'),
    JSON.stringify({
      id: 'GHSA-npm0-0000-0000',
      affected: [{ package: { ecosystem: 'npm', name: 'permissive' }, versions: ['1.2.0'] }],
    }),
  );
  return dir;
}

async function refusalOf(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

async function publishOptions(source: string) {
  const keys = await makeKeys();
  return {
    sourceDir: source,
    keyFile: keys.privateKeyFile,
    outDir: path.join(await tempDir('scriptdesk-pub-'), 'published'),
    validForMs: 86_400_000,
  };
}

describe('the licence policy at catalogue build', () => {
  it('refuses a GPL wheel under a permissive-only policy, one line per script that locks it, naming package, version, script and fix', async () => {
    const { source } = await governedSource({
      licences: { allowed: ['MIT', 'BSD-3-Clause', 'Apache-2.0'] },
    });
    const error = await refusalOf(publishCatalogue(await publishOptions(source)));
    const lines = error.problems.map((p) => `${path.relative(source, p.file)}: ${p.detail}`);
    const fix =
      'is licensed GPL-3.0-only (from its classifiers), which licences.allowed in catalogue.json does not allow; remove it from the lock, or add the licence to licences.allowed once it is approved';
    expect(lines).toEqual([
      `scripts/argparse-probe/requirements.lock: line 2: copyleft 2.0.0 (script argparse-probe) ${fix}`,
      `scripts/probe/requirements.lock: line 2: copyleft 2.0.0 (script probe) ${fix}`,
    ]);
  });

  it('publishes when every locked licence is allowed (an unlocked package is not judged)', async () => {
    const { source } = await governedSource({
      licences: { allowed: ['mit', 'GPL-3.0-only'] },
    });
    const { document } = await publishCatalogue(await publishOptions(source));
    expect(document.scripts.find((s) => s.manifest.id === 'probe')!.wheels).toHaveLength(2);
  });

  it('treats a licence it cannot read as the policy says: refused by default, a warning with unknown "warn"', async () => {
    const { source, wheels } = await governedSource({ licences: { allowed: ['MIT'] } });
    const vague = await makeWheel(
      path.join(source, 'wheels'),
      'vague',
      '1.0.0',
      'v',
      'license = { text = "Some permissive licence, ask legal" }\n',
    );
    const file = path.join(source, 'catalogue.json');
    const catalogue = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const approvedPackages = { permissive: ['1.2.0'], vague: ['1.0.0'] };
    await writeFile(file, JSON.stringify({ ...catalogue, approvedPackages }));
    for (const script of ['probe', 'argparse-probe'])
      await writeFile(
        path.join(source, 'scripts', script, 'requirements.lock'),
        lockFor(script === 'probe' ? [wheels.permissive, vague] : []),
      );
    const error = await refusalOf(publishCatalogue(await publishOptions(source)));
    expect(error.problems.map((p) => p.detail)).toEqual([
      'line 2: vague 1.0.0 (script probe) has no licence ScriptDesk can read as SPDX ids (its wheel says: Some permissive licence, ask legal); confirm its licence and ask its publisher for a License-Expression, or set licences.unknown to "warn" in catalogue.json',
    ]);
    await writeFile(
      file,
      JSON.stringify({
        ...catalogue,
        approvedPackages,
        licences: { allowed: ['MIT'], unknown: 'warn' },
      }),
    );
    const { warnings } = await publishCatalogue(await publishOptions(source));
    expect(warnings.map((w) => w.detail)).toEqual([
      expect.stringMatching(/^line 2: vague 1\.0\.0/),
    ]);
  });
});

describe('the advisory policy at catalogue build --advisories', () => {
  it('refuses a locked version with a critical advisory under refuse "critical", naming package, version, script, advisory and the fix', async () => {
    const { source } = await governedSource({ advisories: { refuse: 'critical' } });
    const error = await refusalOf(
      publishCatalogue({ ...(await publishOptions(source)), advisoriesDir: await advisoryDir() }),
    );
    expect(error.problems.map((p) => `${path.relative(source, p.file)}: ${p.detail}`)).toEqual([
      'scripts/probe/requirements.lock: line 1: permissive 1.2.0 (script probe) has advisory GHSA-aaaa-bbbb-cccc (critical, CVE-2026-190001): Remote code execution in Permissive; upgrade to 1.2.1 (fixed there) and approve that version, or list GHSA-aaaa-bbbb-cccc under advisories.accepted in catalogue.json with the reason it does not apply',
    ]);
  });

  it('only warns about the same advisory under warn "critical" (refuse "none"), and publishes', async () => {
    const { source } = await governedSource({
      advisories: { refuse: 'none', warn: 'critical' },
    });
    const { warnings } = await publishCatalogue({
      ...(await publishOptions(source)),
      advisoriesDir: await advisoryDir(),
    });
    expect(warnings.map((w) => w.detail)).toEqual([
      expect.stringMatching(
        /^line 1: permissive 1\.2\.0 \(script probe\) has advisory GHSA-aaaa-bbbb-cccc \(critical/,
      ),
    ]);
  });

  it('neither refuses nor warns about an advisory listed in advisories.accepted (by its alias)', async () => {
    const { source } = await governedSource({
      advisories: {
        refuse: 'low',
        accepted: [{ id: 'CVE-2026-190001', reason: 'we never call the affected function' }],
      },
    });
    const { warnings } = await publishCatalogue({
      ...(await publishOptions(source)),
      advisoriesDir: await advisoryDir(),
    });
    expect(warnings).toEqual([]);
  });

  it('lists every unreadable advisory file with the policy refusals, and warns when a policy has no --advisories', async () => {
    const { source } = await governedSource({ advisories: { refuse: 'high' } });
    const dir = await advisoryDir();
    await writeFile(path.join(dir, 'broken.json'), '{ not json');
    await writeFile(path.join(dir, 'no-id.json'), JSON.stringify({ affected: [] }));
    const error = await refusalOf(
      publishCatalogue({ ...(await publishOptions(source)), advisoriesDir: dir }),
    );
    const lines = error.problems.map((p) => `${path.relative(dir, p.file)}: ${p.detail}`);
    expect(lines[0]).toMatch(/^broken\.json: is not valid JSON: .*; fix or remove the file$/);
    expect(lines[1]).toMatch(
      /^no-id\.json: is not an OSV advisory: .*id.*; fix or remove the file$/,
    );
    expect(lines[2]).toMatch(/GHSA-aaaa-bbbb-cccc \(critical/);
    expect(lines).toHaveLength(3);

    const { warnings } = await publishCatalogue(await publishOptions(source));
    expect(warnings.map((w) => w.detail)).toEqual([
      'advisories: a policy is set but no --advisories DIR was given, so no package was checked for known vulnerabilities; pass the folder of OSV files',
    ]);
  });
});

describe('scriptdesk catalogue packages', () => {
  it('lists each package version with its consumers, licence and advisories, then the unused ones, and exits 1 for what a build would refuse', async () => {
    const { source } = await governedSource({ licences: { allowed: ['MIT'] } });
    const home = await tempDir('scriptdesk-home-');
    const result = await scriptdesk(home, [
      'catalogue',
      'packages',
      source,
      '--advisories',
      await advisoryDir(),
    ]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      `Packages of catalogue source "Test catalogue" (${source}): 2 in use, 1 unused; 2 PyPI advisories read`,
    );
    expect(lines.slice(1, 6)).toEqual([
      'copyleft 2.0.0  licence GPL-3.0-only (classifiers) NOT ALLOWED  used by argparse-probe (line 2), probe (line 2)',
      'permissive 1.2.0  licence MIT (License)  used by probe (line 1)',
      '  REFUSE GHSA-aaaa-bbbb-cccc (CVE-2026-190001) critical: Remote code execution in Permissive; fixed in 1.2.1',
      'Unused (no script locks them):',
      '  leftover 0.1.0  approved in catalogue.json, wheel leftover-0.1.0-py3-none-any.whl; remove it from approvedPackages and remove the wheel from wheels/, or lock it in a script',
    ]);
    expect(lines.filter((l) => l.startsWith('error: '))).toHaveLength(3);
  });

  it('prints the same report as JSON, and reads a published folder too', async () => {
    const { source } = await governedSource();
    const home = await tempDir('scriptdesk-home-');
    const advisories = await advisoryDir();
    const json = await scriptdesk(home, [
      'catalogue',
      'packages',
      source,
      '--advisories',
      advisories,
      '--json',
    ]);
    // No policy in catalogue.json: the default refuses critical advisories.
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      packages: {
        name: string;
        version: string;
        consumers: { script: string; line: number }[];
        licence: { expression: string | null; status: string };
        advisories: { id: string; severity: string; action: string; fixed: string[] }[];
      }[];
      unused: { name: string; approved: boolean; wheel: string }[];
      errors: { detail: string }[];
    };
    expect(report.packages.map((p) => [p.name, p.version, p.licence.expression])).toEqual([
      ['copyleft', '2.0.0', 'GPL-3.0-only'],
      ['permissive', '1.2.0', 'MIT'],
    ]);
    expect(report.packages[0]!.consumers.map((c) => c.script)).toEqual(['argparse-probe', 'probe']);
    expect(report.packages[1]!.advisories).toEqual([
      expect.objectContaining({
        id: 'GHSA-aaaa-bbbb-cccc',
        severity: 'critical',
        action: 'refuse',
        fixed: ['1.2.1'],
      }),
    ]);
    expect(report.unused).toEqual([
      expect.objectContaining({
        name: 'leftover',
        approved: true,
        wheel: 'leftover-0.1.0-py3-none-any.whl',
      }),
    ]);

    const options = await publishOptions(source);
    await publishCatalogue(options);
    const fromFolder = await scriptdesk(home, ['catalogue', 'packages', options.outDir, '--json']);
    expect(fromFolder.code).toBe(0);
    const folderReport = JSON.parse(fromFolder.stdout) as typeof report & {
      catalogue: { kind: string };
    };
    expect(folderReport.catalogue.kind).toBe('published');
    expect(
      folderReport.packages.map((p) => [p.name, p.licence.expression, p.consumers.length]),
    ).toEqual([
      ['copyleft', 'GPL-3.0-only', 2],
      ['permissive', 'MIT', 1],
    ]);
  });
});

describe('reading an OSV folder', () => {
  it('matches explicit versions, introduced/fixed, last_affected and limit ranges, by PEP 503 name, and skips withdrawn ones', async () => {
    const dir = await tempDir('scriptdesk-osv-');
    const write = (name: string, record: unknown) =>
      writeFile(path.join(dir, `${name}.json`), JSON.stringify(record));
    const affected = (ranges: unknown[], versions?: string[]) => [
      { package: { ecosystem: 'PyPI', name: 'Data_Tools' }, ranges, versions },
    ];
    await write('listed', { id: 'A-listed', affected: affected([], ['2.0.0']) });
    await write('last', {
      id: 'A-last',
      affected: affected([
        { type: 'ECOSYSTEM', events: [{ introduced: '1.5' }, { last_affected: '2.0.0' }] },
      ]),
    });
    await write('limit', {
      id: 'A-limit',
      affected: affected([
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { limit: '2.0.0rc1' }] },
      ]),
    });
    await write('withdrawn', {
      id: 'A-withdrawn',
      withdrawn: '2026-01-01T00:00:00Z',
      affected: affected([], ['2.0.0']),
    });
    const { byPackage, count, problems } = await loadAdvisories(dir);
    expect(problems).toEqual([]);
    expect(count).toBe(3);
    const ids = (version: string) =>
      byPackage
        .get('data-tools')!
        .filter((a) => a.affects(version))
        .map((a) => a.id)
        .sort();
    expect(ids('2.0.0')).toEqual(['A-last', 'A-listed']);
    expect(ids('2.0.1')).toEqual([]);
    expect(ids('1.9')).toEqual(['A-last', 'A-limit']);
    expect(ids('2.0.0b1')).toEqual(['A-last', 'A-limit']);
  });
});
