import { execFile, spawn } from 'node:child_process';
import { chmod, cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CatalogueDiff } from '../../main/review/catalogue-diff.js';
import { startServer } from '../../main/server/server.js';
import { REPO } from '../support/catalogue.js';
import { BIN, scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { BASE_PYTHON } from '../support/wheels.js';

const run = promisify(execFile);
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `git` in `dir` as a user of its own: no global or system configuration is read. */
async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Catalogue Admin',
      GIT_AUTHOR_EMAIL: 'admin@example.org',
      GIT_COMMITTER_NAME: 'Catalogue Admin',
      GIT_COMMITTER_EMAIL: 'admin@example.org',
    },
  });
  return stdout;
}

/** A folder holding a `scriptdesk` command that runs this repository's build, as CI installs it. */
async function scriptdeskOnPath(): Promise<string> {
  const bin = await tempDir('scriptdesk-bin-');
  const launcher = path.join(bin, 'scriptdesk');
  await writeFile(
    launcher,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`,
  );
  await chmod(launcher, 0o755);
  return bin;
}

/** Runs `ci/catalogue-ci.sh MODE` in `repo` as a CI job would, with `env` as its variables. */
function ciJob(
  repo: string,
  mode: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(repo, 'ci', 'catalogue-ci.sh'), mode], {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function editJson(file: string, change: (value: Record<string, unknown>) => void) {
  const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  change(value);
  await writeFile(file, JSON.stringify(value, null, 2) + '\n');
}

async function publishedVersion(folder: string): Promise<number> {
  return (
    JSON.parse(await readFile(path.join(folder, 'catalogue.json'), 'utf8')) as { version: number }
  ).version;
}

describe('scriptdesk catalogue init', () => {
  it('writes a source that passes catalogue build unchanged, with tests that pass and the CI files', async () => {
    const home = await tempDir('scriptdesk-home-');
    const dir = path.join(await tempDir('scriptdesk-init-'), 'catalogue');
    const init = await scriptdesk(home, ['catalogue', 'init', dir]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Next steps:');
    for (const file of [
      'catalogue.json',
      '.gitignore',
      'keys/README.md',
      'schemas/script.schema.json',
      'scripts/word-count/tests/test_main.py',
      'ci/catalogue-ci.sh',
      'ci/README.md',
      '.github/workflows/catalogue.yml',
      '.gitlab-ci.yml',
    ])
      expect(init.stdout).toContain(`  ${file}\n`);
    expect((await stat(path.join(dir, 'ci', 'catalogue-ci.sh'))).mode & 0o111).toBe(0o111);
    // The CI files are the ones in examples/ci, byte for byte.
    expect(await readFile(path.join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(
      await readFile(path.join(REPO, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8'),
    );

    const tests = await run(BASE_PYTHON, ['-I', '-m', 'unittest', 'discover', '-s', 'tests'], {
      cwd: path.join(dir, 'scripts', 'word-count'),
    });
    expect(tests.stderr).toMatch(/Ran 5 tests[\s\S]*\nOK\n$/);

    const keys = await tempDir('scriptdesk-keys-');
    expect((await scriptdesk(home, ['keygen', '--out', keys])).code).toBe(0);
    const published = path.join(await tempDir('scriptdesk-pub-'), 'published');
    const build = await scriptdesk(home, [
      'catalogue',
      'build',
      dir,
      '--key',
      path.join(keys, 'catalogue-signing.key'),
      '--out',
      published,
    ]);
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toContain('1 scripts');
  });

  it('refuses a folder that is not empty, and leaves it as it was', async () => {
    const dir = await tempDir('scriptdesk-init-');
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    const result = await scriptdesk(await tempDir('scriptdesk-home-'), ['catalogue', 'init', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `scriptdesk: ${dir} is not empty (it holds 1 entries); give a new or empty folder, catalogue init never overwrites\n`,
    );
    expect(await readdir(dir)).toEqual(['notes.txt']);
    expect(await readdir(path.dirname(dir))).not.toContainEqual(expect.stringMatching(/\.init-/));
  });
});

describe('the CI files', () => {
  it('run ci/catalogue-ci.sh review on pull/merge requests and publish on the main branch only', async () => {
    type Step = { run?: string; env?: Record<string, string> };
    type Job = { if?: string; steps: Step[] };
    const github = parse(
      await readFile(path.join(REPO, 'examples', 'ci', 'github-actions.yml'), 'utf8'),
    ) as { on: Record<string, unknown>; jobs: Record<string, Job> };
    expect(Object.keys(github.on).sort()).toEqual(['pull_request', 'push']);
    const calls = (job: Job) =>
      job.steps
        .flatMap((step) => (step.run ?? '').split('\n'))
        .filter((line) => line.includes('catalogue-ci.sh'));
    expect(github.jobs.review!.if).toBe("github.event_name == 'pull_request'");
    expect(calls(github.jobs.review!)).toEqual(['ci/catalogue-ci.sh review']);
    expect(github.jobs.publish!.if).toBe(
      "github.event_name == 'push' && github.ref == 'refs/heads/main'",
    );
    expect(calls(github.jobs.publish!)).toEqual(['ci/catalogue-ci.sh publish']);
    const publishStep = github.jobs.publish!.steps.find(
      (s) => s.run === 'ci/catalogue-ci.sh publish',
    )!;
    expect(publishStep.env!.SCRIPTDESK_SIGNING_KEY).toBe('${{ secrets.SCRIPTDESK_SIGNING_KEY }}');
    // The signing key reaches no job but publish.
    const reviewText = JSON.stringify(github.jobs.review);
    expect(reviewText).not.toContain('SIGNING_KEY');

    const gitlab = parse(
      await readFile(path.join(REPO, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8'),
    ) as Record<string, { rules?: { if: string }[]; script?: string[] }>;
    expect(gitlab.review!.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(gitlab.review!.script![0]).toBe('ci/catalogue-ci.sh review');
    expect(gitlab.publish!.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(gitlab.publish!.script).toEqual(['ci/catalogue-ci.sh publish']);
  });

  it('take a git repository from init to a published catalogue, show a risky change in review, publish it and refuse a wrong key', async () => {
    const home = await tempDir('scriptdesk-home-');
    const repo = path.join(await tempDir('scriptdesk-repo-'), 'catalogue');
    expect((await scriptdesk(home, ['catalogue', 'init', repo])).code).toBe(0);
    const keys = await tempDir('scriptdesk-keys-');
    await scriptdesk(home, ['keygen', '--out', keys]);
    const pubkey = path.join(repo, 'keys', 'catalogue-signing.pub');
    await cp(path.join(keys, 'catalogue-signing.pub'), pubkey);
    // A stray copy of the private key in the working tree stays out of git.
    await cp(
      path.join(keys, 'catalogue-signing.key'),
      path.join(repo, 'keys', 'catalogue-signing.key'),
    );
    await git(repo, 'init', '-q', '-b', 'main');
    await git(repo, 'add', '-A');
    expect(await git(repo, 'status', '--porcelain')).not.toContain('.key');
    await git(repo, 'commit', '-q', '-m', 'Catalogue source from scriptdesk catalogue init');

    const host = await tempDir('scriptdesk-host-');
    const jobTmp = await tempDir('scriptdesk-job-tmp-');
    const signingKey = await readFile(path.join(keys, 'catalogue-signing.key'), 'utf8');
    const env = {
      PATH: `${await scriptdeskOnPath()}:${process.env.PATH}`,
      HOME: home,
      SCRIPTDESK_HOME: home,
      TMPDIR: jobTmp,
      CATALOGUE_URL: host,
      PUBLISH_TARGET: host,
    };
    const secretBody = signingKey.split('\n')[1]!;
    const noSecret = (job: { stdout: string; stderr: string }) => {
      expect(job.stdout + job.stderr).not.toContain(secretBody);
    };

    // A first pull request, before anything is published: every script is new.
    const firstReview = await ciJob(repo, 'review', env);
    expect(firstReview.stderr).not.toContain('error');
    expect(firstReview.code).toBe(0);
    expect(firstReview.stdout).toContain(`- **Old:** nothing published yet at \`${host}\``);
    expect(firstReview.stdout).toContain('- Added: `word-count`');

    // Main: sign with the key from the secret store and publish to the (empty) host.
    const first = await ciJob(repo, 'publish', { ...env, SCRIPTDESK_SIGNING_KEY: signingKey });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    noSecret(first);
    expect(await publishedVersion(host)).toBe(1);
    expect(await readdir(jobTmp)).toEqual([]);
    const device = await tempDir('scriptdesk-device-');
    expect((await scriptdesk(device, ['sync', '--from', host, '--pubkey', pubkey])).code).toBe(0);
    expect((await scriptdesk(device, ['list'])).stdout).toContain('word-count');

    // From now on devices and CI read the host over HTTP.
    const server = await startServer({ root: host, port: 0 });
    cleanups.push(() => server.close());
    const overHttp = { ...env, CATALOGUE_URL: server.url };

    // A pull request that needs a new secret and lets a field take far larger numbers.
    await git(repo, 'checkout', '-q', '-b', 'more-words');
    const script = path.join(repo, 'scripts', 'word-count');
    await editJson(path.join(script, 'script.json'), (s) => {
      s.secrets = ['WORDS_API_TOKEN'];
      s.version = '1.1.0';
    });
    await editJson(path.join(script, 'form.schema.json'), (f) => {
      (f.properties as Record<string, Record<string, unknown>>).top!.maximum = 100000;
    });
    await git(repo, 'commit', '-q', '-am', 'word-count: list up to 100000 words, call the API');
    const review = await ciJob(repo, 'review', overHttp);
    expect(review.code).toBe(0);
    const report = await readFile(path.join(repo, 'review.md'), 'utf8');
    expect(review.stdout).toBe(report);
    const lines = report.split('\n');
    const risks = lines.indexOf('### Risks to approve (2)');
    expect(risks).toBeGreaterThan(0);
    expect(lines.slice(risks + 2, risks + 4)).toEqual([
      '- **New secret** `word-count`: now needs secret WORDS\\_API\\_TOKEN',
      '- **Bounds loosened** `word-count`: field top: maximum loosened from 100 to 100000',
    ]);
    expect(report).toContain(`signature checked (key \``);
    // The report is not committed: .gitignore keeps it out.
    expect(await git(repo, 'status', '--porcelain')).toBe('');

    // Merged: publish version 2, which devices take.
    await git(repo, 'checkout', '-q', 'main');
    await git(repo, 'merge', '-q', '--ff-only', 'more-words');
    const second = await ciJob(repo, 'publish', {
      ...overHttp,
      SCRIPTDESK_SIGNING_KEY: signingKey,
    });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    noSecret(second);
    expect(await publishedVersion(host)).toBe(2);
    expect((await scriptdesk(device, ['sync'])).code).toBe(0);
    const listed = JSON.parse((await scriptdesk(device, ['list', '--json'])).stdout) as {
      id: string;
      version: string;
    }[];
    expect(listed.find((s) => s.id === 'word-count')?.version).toBe('1.1.0');
    // Nothing changed since: the review of main against what is published is empty.
    const after = await scriptdesk(home, [
      'catalogue',
      'diff',
      server.url,
      repo,
      '--pubkey',
      pubkey,
      '--json',
    ]);
    expect((JSON.parse(after.stdout) as CatalogueDiff).scripts).toEqual([]);

    // A signing key that is not the committed public key fails before anything is uploaded.
    const otherKeys = await tempDir('scriptdesk-keys-');
    await scriptdesk(home, ['keygen', '--out', otherKeys]);
    const wrong = await ciJob(repo, 'publish', {
      ...overHttp,
      SCRIPTDESK_SIGNING_KEY: await readFile(path.join(otherKeys, 'catalogue-signing.key'), 'utf8'),
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/which this device does not trust/);
    expect(await publishedVersion(host)).toBe(2);
    expect(await readdir(jobTmp)).toEqual([]);

    // Every missing setting is named, one line each, before anything runs.
    const bare = await ciJob(repo, 'publish', { PATH: '/usr/bin:/bin', HOME: home });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe(
      [
        'catalogue-ci: the scriptdesk command is not on PATH; install it first (ci/README.md)',
        'catalogue-ci: CATALOGUE_URL is not set; set it to the address devices sync from (ci/README.md)',
        'catalogue-ci: SCRIPTDESK_SIGNING_KEY (a CI secret) is not set; add the text of catalogue-signing.key to the secret store',
        'catalogue-ci: PUBLISH_TARGET is not set; set it to an rsync destination (ci/README.md)',
        '',
      ].join('\n'),
    );
    // Without the secret, publish says which setting is missing.
    const unset = await ciJob(repo, 'publish', overHttp);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toBe(
      'catalogue-ci: SCRIPTDESK_SIGNING_KEY (a CI secret) is not set; add the text of catalogue-signing.key to the secret store\n',
    );
  });
});
