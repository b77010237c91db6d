import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEEP_SEND_BUFFER_BYTES,
  DEEPEN_AFTER_BYTES,
  interpreterArgs,
  loaderArgs,
  NOT_RELEASED_EXIT,
  RELEASE,
  sourceFrame,
} from '../../main/runs/bootstrap.js';
import { CompiledBootstraps } from '../../main/runs/compiled-bootstrap.js';
import {
  startScriptProcess,
  type OutputChunk,
  type ScriptProcess,
} from '../../main/runs/child-process.js';
import { killIfLeft, stillExists, type SeenProcess } from '../support/processes.js';
import { waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { BASE_PYTHON } from '../support/wheels.js';
import { describeWhere, PROC } from '../support/os-needs.js';

/**
 * The bootstrap, run in the real interpreter. Its gate: the runner starts the interpreter while
 * the run's start is being made durable, and the script's code runs only once it writes the
 * release byte. Its stdout: a chatty script's socket gets a deeper send buffer.
 */

const left: SeenProcess[] = [];
afterEach(() => left.splice(0).forEach(killIfLeft));

/** A script whose first act is to leave a marker in `dir`, then reports what its stdin holds. */
async function markerScript(dir: string): Promise<string> {
  const script = path.join(dir, 'main.py');
  await writeFile(
    script,
    [
      'import os, sys',
      'open(os.path.join(os.path.dirname(__file__), "ran"), "w").close()',
      'print(repr(sys.stdin.read()))',
      'print(os.readlink("/proc/self/fd/0") if os.path.exists("/proc/self/fd/0") else "no /proc")',
    ].join('\n'),
  );
  return script;
}

/**
 * Runs the bootstrap on `script`, writes `stdin` to its stdin (then ends it): by default the
 * script's bytes as the runner frames them, then `gate`. Waits for the exit.
 */
async function throughGate(
  script: string,
  gate: string,
  stdin?: Buffer,
): Promise<{ code: number | null; out: string }> {
  const framed = stdin ?? Buffer.concat([sourceFrame(await readFile(script)), Buffer.from(gate)]);
  const child = spawn(BASE_PYTHON, interpreterArgs(script, []), {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { PATH: '/usr/bin:/bin' },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stdin.end(framed);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

describe('the bootstrap runs the script only once the runner releases it', () => {
  it.each([
    ['stdin ends after the script (ScriptDesk died before the start was recorded)', '', undefined],
    ['stdin carries something other than the release byte', 'x', undefined],
    ['stdin ends before any of the script arrived', '', Buffer.alloc(0)],
    [
      'stdin ends in the middle of the script',
      RELEASE,
      sourceFrame(Buffer.from('x = 1')).subarray(0, 18),
    ],
  ])(
    'when %s, none of the script runs and the interpreter exits with the not-released code',
    async (_, gate, stdin) => {
      const dir = await tempDir('scriptdesk-gate-');
      const result = await throughGate(await markerScript(dir), gate, stdin);
      expect(result.code).toBe(NOT_RELEASED_EXIT);
      expect(result.out).toBe('');
      expect(await readdir(dir)).toEqual(['main.py']);
    },
  );

  it('released, the script runs with stdin on /dev/null: the release byte never reaches it', async () => {
    const dir = await tempDir('scriptdesk-gate-');
    const result = await throughGate(await markerScript(dir), RELEASE);
    expect(result.code).toBe(0);
    expect(result.out).toBe(`''\n/dev/null\n`);
    expect((await readdir(dir)).sort()).toEqual(['main.py', 'ran']);
  });

  it('runs the bytes handed to it on stdin, never its file: a file changed after the check does not run', async () => {
    const dir = await tempDir('scriptdesk-gate-');
    const script = await markerScript(dir);
    const checked = await readFile(script);
    await writeFile(script, 'open(__file__ + ".swapped", "w").close()\n');
    const result = await throughGate(
      script,
      RELEASE,
      Buffer.concat([sourceFrame(checked), Buffer.from(RELEASE)]),
    );
    expect(result.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['main.py', 'ran']);
  });

  it('a gated process started by the runner waits at the gate, then runs its script once release() is called', async () => {
    const { dir, held } = await heldAtGate();
    const lines: string[] = [];
    held.onOutput((_, chunk: OutputChunk) => void lines.push(chunk.bytes.toString('utf8')));
    expect(await readdir(dir)).toEqual(['main.py']);
    held.release();
    held.release(); // a second release is harmless
    expect(await held.exited).toEqual({ code: 0, signal: null });
    expect(lines.join('')).toBe(`''\n/dev/null\n`);
    expect((await readdir(dir)).sort()).toEqual(['main.py', 'ran']);
  });

  it('a gated process killed at the gate (the journal refused the start) runs none of its script', async () => {
    const { dir, held } = await heldAtGate();
    held.killTree(0);
    expect((await held.exited).signal).toBe('SIGTERM');
    held.release(); // after its end: a no-op, not an error
    expect(await readdir(dir)).toEqual(['main.py']);
  });
});

describeWhere(PROC, "the bootstrap deepens a chatty script's stdout buffer", () => {
  /**
   * Runs a script printing `bytes` (a multiple of 100, in lines of 100) through the bootstrap,
   * gated as the runner does; returns its stdout's SO_SNDBUF as the script sees it then.
   */
  async function sendBufferAfter(bytes: number): Promise<number> {
    const dir = await tempDir('scriptdesk-stdout-');
    const script = path.join(dir, 'main.py');
    await writeFile(
      script,
      [
        'import sys, _socket',
        `sys.stdout.write(("x" * 99 + "\\n") * ${bytes / 100})`,
        'sys.stdout.flush()',
        'out = _socket.socket(fileno=1)',
        'print(out.getsockopt(_socket.SOL_SOCKET, _socket.SO_SNDBUF), file=sys.stderr)',
        'out.detach()',
      ].join('\n'),
    );
    const child = startScriptProcess({
      executable: BASE_PYTHON,
      args: interpreterArgs(script, []),
      cwd: dir,
      env: { PATH: '/usr/bin:/bin' },
      gatedSource: await readFile(script),
    });
    let stdout = 0;
    const stderr: string[] = [];
    child.onOutput((stream, chunk) => {
      if (stream === 'stdout') stdout += chunk.bytes.length;
      else stderr.push(chunk.bytes.toString('utf8'));
    });
    child.release();
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(stdout).toBe(bytes);
    return Number(stderr.join('').trim());
  }

  /** A kernel setting of this machine, in bytes. */
  const sysctl = (name: string) => Number(readFileSync(`/proc/sys/net/core/${name}`, 'utf8'));

  it('the threshold sits between the two scripts below', () => {
    expect(900_000).toBeLessThan(DEEPEN_AFTER_BYTES);
    expect(1_100_000).toBeGreaterThan(DEEPEN_AFTER_BYTES);
  });

  it('after 1 MB the socket asks for 4 MB (Linux grants up to net.core.wmem_max, and reports it doubled)', async () => {
    const granted = 2 * Math.min(DEEP_SEND_BUFFER_BYTES, sysctl('wmem_max'));
    expect(await sendBufferAfter(1_100_000)).toBe(granted);
  });

  it('a script printing less keeps the default buffer (and never imports the socket module for it)', async () => {
    expect(await sendBufferAfter(900_000)).toBe(sysctl('wmem_default'));
  });
});

describeWhere(PROC, 'the bootstrap reaps what the script leaves behind (Linux)', () => {
  /** Runs `lines` as a script through the bootstrap, released at once, with no run id to sweep by. */
  async function runScript(lines: string[]) {
    const dir = await tempDir('scriptdesk-reaper-');
    const script = path.join(dir, 'main.py');
    await writeFile(script, lines.join('\n'));
    const child = startScriptProcess({
      executable: BASE_PYTHON,
      args: interpreterArgs(script, []),
      cwd: dir,
      env: { PATH: '/usr/bin:/bin' },
      gatedSource: Buffer.from(lines.join('\n')),
    });
    child.release();
    return { dir, exit: await child.exited };
  }

  /** Lines that start a child which detaches with setsid() and note it in `child` (pid and start time). */
  const DETACHED_CHILD = [
    'import os, subprocess, sys, time',
    'child = subprocess.Popen([sys.executable, "-c", "import os, time; os.setsid(); time.sleep(60)"])',
    'while os.getsid(child.pid) != child.pid:',
    '    time.sleep(0.01)',
    'with open(f"/proc/{child.pid}/stat") as stat:',
    '    started = stat.read().rpartition(")")[2].split()[19]',
    'with open("child", "w") as out:',
    '    out.write(f"{child.pid} {started}")',
  ];

  /** The detached child the script in `dir` noted. */
  function detachedChild(dir: string): SeenProcess {
    const [pid, started] = readFileSync(path.join(dir, 'child'), 'utf8').split(' ');
    const seen = { pid: Number(pid), started: started! };
    left.push(seen);
    return seen;
  }

  it('a script exiting with 3 while a child it detached with setsid() runs: the interpreter exits 3, and only once that child is gone', async () => {
    const { dir, exit } = await runScript([...DETACHED_CHILD, 'sys.exit(3)']);
    expect(exit).toEqual({ code: 3, signal: null });
    expect(stillExists(detachedChild(dir))).toBe(false);
  });

  it('a script leaving by os._exit(), which skips exit handlers, still has its detached child ended first', async () => {
    const { dir, exit } = await runScript([...DETACHED_CHILD, 'os._exit(4)']);
    expect(exit).toEqual({ code: 4, signal: null });
    expect(stillExists(detachedChild(dir))).toBe(false);
  });
});

/** Starts the marker script the way the runner does, gated, and waits until it waits at the gate. */
async function heldAtGate(): Promise<{ dir: string; held: ScriptProcess }> {
  const dir = await tempDir('scriptdesk-gate-');
  const script = await markerScript(dir);
  const held = startScriptProcess({
    executable: BASE_PYTHON,
    args: interpreterArgs(script, []),
    cwd: dir,
    env: { PATH: '/usr/bin:/bin' },
    gatedSource: await readFile(script),
  });
  await waitFor(() => waitsAtGate(held.pid), 'the interpreter to wait at the gate');
  return { dir, held };
}

/**
 * True while `pid` is blocked reading one byte from its stdin: Linux shows the system call a
 * sleeping process is in as its number and arguments (fd 0, a buffer, count 1).
 */
function waitsAtGate(pid: number): boolean {
  try {
    const [, fd, , count] = readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ');
    return fd === '0x0' && count === '0x1';
  } catch {
    return false;
  }
}

/** The bootstrap as this machine's Python compiles it, through the runner's own cache. */
async function compiledBootstrap(): Promise<Buffer> {
  const bootstraps = new CompiledBootstraps();
  const command = { executable: BASE_PYTHON, env: { PATH: '/usr/bin:/bin' }, cwd: '/' };
  expect(bootstraps.take(command)).toBeUndefined(); // the first run starts from the source
  await bootstraps.settled();
  const code = bootstraps.take(command);
  expect(code).toBeInstanceOf(Buffer);
  return code!;
}

describe('the compiled bootstrap (the loader and the code compiled once) does what the source does', () => {
  /** Runs `lines` through the loader as the runner does, the compiled code first; with its output. */
  async function throughLoader(
    lines: string[],
    release: boolean,
  ): Promise<{ dir: string; code: number | null; out: string; err: string }> {
    const dir = await tempDir('scriptdesk-loader-');
    const script = path.join(dir, 'main.py');
    await writeFile(script, lines.join('\n'));
    const child = startScriptProcess({
      executable: BASE_PYTHON,
      args: loaderArgs(interpreterArgs(script, ['--flag'])),
      cwd: dir,
      env: { PATH: '/usr/bin:/bin' },
      gatedSource: Buffer.from(lines.join('\n')),
      gatedBootstrap: await compiledBootstrap(),
    });
    const out: string[] = [];
    const err: string[] = [];
    child.onOutput(
      (stream, chunk) => void (stream === 'stdout' ? out : err).push(chunk.bytes.toString('utf8')),
    );
    if (release) child.release();
    else child.killTree(0);
    const exit = await child.exited;
    return { dir, code: exit.code, out: out.join(''), err: err.join('') };
  }

  it('released, the script runs in __main__ with its file, arguments and names as from the source, stdin on /dev/null', async () => {
    const report = [
      'import os, sys',
      'open(os.path.join(os.path.dirname(__file__), "ran"), "w").close()',
      'print(__name__, os.path.basename(__file__), sys.argv[1:], repr(sys.stdin.read()))',
      'print(sorted(name for name in globals() if not name.startswith("__")))',
    ];
    const loaded = await throughLoader(report, true);
    expect(loaded.code).toBe(0);
    expect((await readdir(loaded.dir)).sort()).toEqual(['main.py', 'ran']);
    // The same script started from the bootstrap's source sees the same.
    const script = path.join(loaded.dir, 'main.py');
    const fromSource = startScriptProcess({
      executable: BASE_PYTHON,
      args: interpreterArgs(script, ['--flag']),
      cwd: loaded.dir,
      env: { PATH: '/usr/bin:/bin' },
      gatedSource: await readFile(script),
    });
    const out: string[] = [];
    fromSource.onOutput((_, chunk) => void out.push(chunk.bytes.toString('utf8')));
    fromSource.release();
    expect(await fromSource.exited).toEqual({ code: 0, signal: null });
    expect(loaded.out).toBe(out.join(''));
    expect(loaded.out).toBe("__main__ main.py ['--flag'] ''\n['_scriptdesk_code', 'os', 'sys']\n");
  });

  it('a process killed before release (the journal refused the start) runs none of the script', async () => {
    const loaded = await throughLoader(['open("ran", "w").close()'], false);
    expect(loaded.code).toBeNull();
    expect(await readdir(loaded.dir)).toEqual(['main.py']);
  });

  it('an error in the script is reported against the script’s file and line, and its exit code kept', async () => {
    const loaded = await throughLoader(
      ['import sys', 'print("before")', 'raise ValueError("bad month")'],
      true,
    );
    expect(loaded.code).toBe(1);
    expect(loaded.out).toBe('before\n');
    expect(loaded.err).toMatch(/File ".*main\.py", line 3, in <module>/);
    expect(loaded.err).toContain('ValueError: bad month');
  });

  it('a Python swapped under the same path after its bootstrap was compiled gets no stale code', async () => {
    const dir = await tempDir('scriptdesk-swap-');
    const link = path.join(dir, 'python3');
    await symlink(BASE_PYTHON, link);
    const bootstraps = new CompiledBootstraps();
    const command = { executable: link, env: { PATH: '/usr/bin:/bin' }, cwd: '/' };
    expect(bootstraps.take(command)).toBeUndefined();
    await bootstraps.settled();
    expect(bootstraps.take(command)).toBeInstanceOf(Buffer);
    // Another program now answers to the same path (here one that compiles nothing).
    await unlink(link);
    await symlink('/bin/false', link);
    expect(bootstraps.take(command)).toBeUndefined();
    await bootstraps.settled();
    expect(bootstraps.take(command)).toBeUndefined();
  });

  it('an interpreter that cannot compile the bootstrap is left to start from the source', async () => {
    const bootstraps = new CompiledBootstraps();
    const command = { executable: '/bin/false', env: {}, cwd: '/' };
    expect(bootstraps.take(command)).toBeUndefined();
    await bootstraps.settled();
    expect(bootstraps.take(command)).toBeUndefined();
    await bootstraps.settled();
  });
});
