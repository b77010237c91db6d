import os from 'node:os';
import { execa } from 'execa';
import type { CatalogueProvenance } from '../catalogue/document.js';

/**
 * Runs `git args` in `cwd` (an argument array, no shell) and returns its trimmed stdout, or null
 * when git is missing, the folder is not in a work tree, or the command fails.
 */
async function git(cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    const { stdout } = await execa('git', [...args], {
      cwd,
      stdin: 'ignore',
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
      // Only what git needs to find its configuration: never a pager, a prompt or an editor.
      env: {
        ...process.env,
        GIT_TERMINAL_PROMPT: '0',
        GIT_PAGER: 'cat',
        GIT_OPTIONAL_LOCKS: '0',
      },
    });
    return stdout.trim();
  } catch {
    return null;
  }
}

/**
 * Where a build comes from, for the signed document: the commit, branch and whether the source
 * folder's part of the work tree had no uncommitted or untracked changes (all null when the source
 * is not in a git work tree, `commit` null too before the first commit), who built it (git
 * `user.name <user.email>`, else the OS user) and when.
 */
export async function readProvenance(
  sourceDir: string,
  options: { testsSkipped: boolean; now: Date },
): Promise<CatalogueProvenance> {
  const inTree = (await git(sourceDir, ['rev-parse', '--is-inside-work-tree'])) === 'true';
  let commit: string | null = null;
  let branch: string | null = null;
  let clean: boolean | null = null;
  if (inTree) {
    commit = await git(sourceDir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
    // Null on a detached HEAD (a CI checkout of a tag or commit), never the word "HEAD".
    branch = (await git(sourceDir, ['symbolic-ref', '--quiet', '--short', 'HEAD'])) || null;
    const status = await git(sourceDir, [
      'status',
      '--porcelain',
      '--untracked-files=normal',
      '--',
      '.',
    ]);
    clean = status === null ? null : status === '';
  }
  return {
    commit: commit || null,
    branch,
    clean,
    builtBy: await builder(sourceDir),
    builtAt: options.now.toISOString(),
    testsSkipped: options.testsSkipped,
  };
}

async function builder(cwd: string): Promise<string> {
  const name = await git(cwd, ['config', '--get', 'user.name']);
  const email = await git(cwd, ['config', '--get', 'user.email']);
  if (name && email) return `${name} <${email}>`.slice(0, 200);
  if (name || email) return (name || email)!.slice(0, 200);
  try {
    return os.userInfo().username.slice(0, 200) || 'unknown';
  } catch {
    return 'unknown';
  }
}
