import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_OS } from '../../main/platform/os.js';
import { bundledInterpreter } from '../../main/platform/python-layout.js';
import { PolicyError } from '../../main/policy/policy.js';
import { resolvePythonRuntime } from '../../main/python/runtime.js';
import { tempDir } from '../support/temp.js';
import { BASE_PYTHON } from '../support/wheels.js';

/** A folder holding only a symlink named python3 to the real interpreter: a PATH entry, or a path to set. */
async function linkedPython(): Promise<{ dir: string; python3: string }> {
  const dir = path.join(await tempDir('scriptdesk-python-'), 'bin');
  await mkdir(dir);
  const python3 = path.join(dir, 'python3');
  await symlink(BASE_PYTHON, python3);
  return { dir, python3 };
}

/** A machine policy file; `SCRIPTDESK_POLICY` points the app at it. */
async function policyWith(content: unknown): Promise<string> {
  const file = path.join(await tempDir('scriptdesk-policy-'), 'policy.json');
  await writeFile(file, JSON.stringify(content));
  return file;
}

const noPolicy = async () => policyWith({});

describe('choosing the Python runtime', () => {
  it('takes the machine policy python before SCRIPTDESK_PYTHON and PATH, and never consults them', async () => {
    const chosen = await linkedPython();
    const policy = await policyWith({ python: chosen.python3 });
    const runtime = await resolvePythonRuntime({
      env: { SCRIPTDESK_POLICY: policy, SCRIPTDESK_PYTHON: '/nonexistent/python3', PATH: '' },
    });
    expect(runtime.source).toBe(`the machine policy ${policy}`);
    expect(runtime.executable).toBe(await realpath(BASE_PYTHON));
  });

  it('takes the Python the package carries after the policy and before SCRIPTDESK_PYTHON and PATH', async () => {
    // A fake resources folder: python/bin/python3 is a link to this machine's interpreter, as
    // the package's copy of python-build-standalone would be a real one.
    const resources = await tempDir('scriptdesk-resources-');
    await mkdir(path.join(resources, 'python', 'bin'), { recursive: true });
    const carried = bundledInterpreter(HOST_OS, resources);
    await symlink(BASE_PYTHON, carried);
    const other = await linkedPython();
    const runtime = await resolvePythonRuntime({
      env: {
        SCRIPTDESK_POLICY: await noPolicy(),
        SCRIPTDESK_PYTHON: '/nonexistent/python3',
        PATH: other.dir,
      },
      resourcesDir: resources,
    });
    expect(runtime.source).toBe(`the Python ScriptDesk carries (${carried})`);
    expect(runtime.executable).toBe(await realpath(BASE_PYTHON));

    // The machine policy still wins: IT can override the carried Python.
    const policy = await policyWith({ python: other.python3 });
    const chosen = await resolvePythonRuntime({
      env: { SCRIPTDESK_POLICY: policy, PATH: '' },
      resourcesDir: resources,
    });
    expect(chosen.source).toBe(`the machine policy ${policy}`);
  });

  it('skips a resources folder without a Python, and names a carried Python that is broken', async () => {
    const empty = await tempDir('scriptdesk-resources-');
    const chosen = await linkedPython();
    const runtime = await resolvePythonRuntime({
      env: { SCRIPTDESK_POLICY: await noPolicy(), SCRIPTDESK_PYTHON: chosen.python3, PATH: '' },
      resourcesDir: empty,
    });
    expect(runtime.source).toBe('SCRIPTDESK_PYTHON');

    const broken = await tempDir('scriptdesk-resources-');
    await mkdir(path.join(broken, 'python', 'bin'), { recursive: true });
    await writeFile(bundledInterpreter(HOST_OS, broken), 'not a program', { mode: 0o644 });
    await expect(
      resolvePythonRuntime({
        env: { SCRIPTDESK_POLICY: await noPolicy(), SCRIPTDESK_PYTHON: chosen.python3, PATH: '' },
        resourcesDir: broken,
      }),
    ).rejects.toThrow(
      `The Python ScriptDesk carries, ${bundledInterpreter(HOST_OS, broken)}, cannot be used: not executable; reinstall ScriptDesk, or ask IT to set python in the machine policy`,
    );
  });

  it('takes SCRIPTDESK_PYTHON before python3 on PATH when the policy sets no python', async () => {
    const chosen = await linkedPython();
    const runtime = await resolvePythonRuntime({
      env: { SCRIPTDESK_POLICY: await noPolicy(), SCRIPTDESK_PYTHON: chosen.python3, PATH: '' },
    });
    expect(runtime.source).toBe('SCRIPTDESK_PYTHON');
    expect(runtime.executable).toBe(await realpath(BASE_PYTHON));
  });

  it('falls back to python3 on PATH and resolves a symlink to the real interpreter file', async () => {
    const onPath = await linkedPython();
    const runtime = await resolvePythonRuntime({
      env: { SCRIPTDESK_POLICY: await noPolicy(), PATH: onPath.dir },
    });
    expect(runtime.source).toBe('python3 on PATH');
    expect(runtime.executable).not.toBe(onPath.python3);
    expect(runtime.executable).toBe(await realpath(BASE_PYTHON));
    expect(runtime.version).toMatch(/^3\.\d+\.\d+/);
  });

  it('names the policy file, the setting and the fix when the policy python cannot be used', async () => {
    const policy = await policyWith({ python: '/opt/nowhere/python3' });
    const onPath = await linkedPython();
    await expect(
      resolvePythonRuntime({ env: { SCRIPTDESK_POLICY: policy, PATH: onPath.dir } }),
    ).rejects.toThrow(
      `The machine policy ${policy} sets python to /opt/nowhere/python3, which cannot be used: not found; ask IT to correct it`,
    );
  });

  it('names SCRIPTDESK_PYTHON and the fix when it points at nothing, without trying PATH', async () => {
    const onPath = await linkedPython();
    await expect(
      resolvePythonRuntime({
        env: {
          SCRIPTDESK_POLICY: await noPolicy(),
          SCRIPTDESK_PYTHON: '/nonexistent/python3',
          PATH: onPath.dir,
        },
      }),
    ).rejects.toThrow(
      'SCRIPTDESK_PYTHON is set to /nonexistent/python3, which cannot be used: not found; install Python 3.9+ and set SCRIPTDESK_PYTHON to its absolute path',
    );
  });

  it('says how to get a Python when there is no python3 on PATH', async () => {
    const empty = await tempDir('scriptdesk-empty-path-');
    await expect(
      resolvePythonRuntime({ env: { SCRIPTDESK_POLICY: await noPolicy(), PATH: empty } }),
    ).rejects.toThrow(
      'python3 on PATH cannot be used: not found; install Python 3.9+ or set SCRIPTDESK_PYTHON to its absolute path',
    );
  });

  it('refuses a policy file that is present but not valid, naming it', async () => {
    const policy = await policyWith({ python: 'python3' });
    const error = await resolvePythonRuntime({ env: { SCRIPTDESK_POLICY: policy } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toContain(`The machine policy ${policy} is not valid`);
  });
});

describe('a Python without pip', () => {
  it('is refused for venvs, naming pip, and accepted by tools that only run it (scriptdesk import)', async () => {
    const venv = path.join(await tempDir('scriptdesk-nopip-'), 'venv');
    await promisify(execFile)(BASE_PYTHON, ['-m', 'venv', '--without-pip', venv]);
    const python = path.join(venv, 'bin', 'python');
    const env = { SCRIPTDESK_POLICY: await noPolicy(), SCRIPTDESK_PYTHON: python };
    await expect(resolvePythonRuntime({ env })).rejects.toThrow(
      /SCRIPTDESK_PYTHON is set to .*, which cannot be used: Python .* has no pip, which builds the script environments; install pip for it/,
    );
    const runtime = await resolvePythonRuntime({ env, requirePip: false });
    expect(runtime.source).toBe('SCRIPTDESK_PYTHON');
  });
});
