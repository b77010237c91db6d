import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { runTool, toolFailure } from '../../main/shared/tool-process.js';
import { describeWhere, PROC } from '../support/os-needs.js';
import { seeProcess, stillExists } from '../support/processes.js';
import { tempDir } from '../support/temp.js';
import { BASE_PYTHON } from '../support/wheels.js';

const python = (code: string) => ['-I', '-c', code];

describeWhere(
  PROC,
  'runTool: helper processes (venv, pip, build checks, the argparse reader)',
  () => {
    it('gives the process only the environment it is handed and returns stdout whole', async () => {
      const exit = await runTool(
        BASE_PYTHON,
        python(
          'import os, sys; sys.stdout.write(",".join(sorted(os.environ)) + "\\n" + "x" * 300000)',
        ),
        { env: { ONLY_THIS: '1', LC_CTYPE: 'C.UTF-8' }, timeoutMs: 60_000 },
      );
      expect(exit.stopped).toBeNull();
      expect(exit.code).toBe(0);
      const [names, filler] = exit.stdout.split('\n');
      expect(names!.split(',').filter((name) => name !== 'LC_CTYPE')).toEqual(['ONLY_THIS']);
      expect(filler).toHaveLength(300_000);
      expect(toolFailure(exit, 60_000)).toBeNull();
    });

    it('feeds stdin and keeps the end of stderr and of the interleaved output', async () => {
      const exit = await runTool(
        BASE_PYTHON,
        python(
          'import sys; data = sys.stdin.read(); print(data.upper(), flush=True); print("why: " + "e" * 5000 + "END", file=sys.stderr); sys.exit(3)',
        ),
        { env: {}, timeoutMs: 60_000, input: 'given', maxTailChars: 100 },
      );
      expect(exit.stdout.trim()).toBe('GIVEN');
      expect(exit.stderr).toHaveLength(100);
      expect(exit.stderr.trim().endsWith('eeeEND')).toBe(true);
      expect(exit.output.trim().endsWith('END')).toBe(true);
      expect(toolFailure(exit, 60_000)).toBe('exited with code 3');
    });

    it('stops a process that prints more than its stdout limit, with what it started', async () => {
      const dir = await tempDir();
      const childPid = path.join(dir, 'child.pid');
      const exit = await runTool(
        BASE_PYTHON,
        python(
          `import subprocess, sys\nchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])\nopen(${JSON.stringify(childPid)}, "w").write(str(child.pid))\nwhile True: sys.stdout.write("y" * 65536)`,
        ),
        { env: {}, timeoutMs: 120_000, maxStdoutBytes: 1024 * 1024 },
      );
      expect(exit.stopped).toBe('output-limit');
      expect(exit.stdout).toBe('');
      expect(toolFailure(exit, 120_000)).toMatch(/printed more than/);
      await expectGone(Number(await readFile(childPid, 'utf8')));
    });

    it('stops the whole process group at the time limit, and says so', async () => {
      const dir = await tempDir();
      const childPid = path.join(dir, 'child.pid');
      const exit = await runTool(
        BASE_PYTHON,
        python(
          `import subprocess, sys, time\nchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])\nopen(${JSON.stringify(childPid)}, "w").write(str(child.pid))\ntime.sleep(600)`,
        ),
        { env: {}, timeoutMs: 1500 },
      );
      expect(exit.stopped).toBe('timeout');
      expect(toolFailure(exit, 1500)).toBe('did not finish within 2 s');
      await expectGone(Number(await readFile(childPid, 'utf8')));
    });

    it('stops the process when its signal is aborted, and does not start one already aborted', async () => {
      const controller = new AbortController();
      const dir = await tempDir();
      const started = path.join(dir, 'started');
      const running = runTool(
        BASE_PYTHON,
        python(`import time\nopen(${JSON.stringify(started)}, "w").close()\ntime.sleep(600)`),
        { env: {}, timeoutMs: 120_000, signal: controller.signal },
      );
      await vi.waitFor(() => readFile(started), { timeout: 30_000, interval: 20 });
      controller.abort();
      expect((await running).stopped).toBe('aborted');
      const never = await runTool(BASE_PYTHON, python('raise SystemExit(0)'), {
        env: {},
        timeoutMs: 1000,
        signal: controller.signal,
      });
      expect(never).toMatchObject({ stopped: 'aborted', code: null });
    });

    it('throws when the executable cannot be started at all, naming why', async () => {
      await expect(
        runTool('/nonexistent/python3', [], { env: {}, timeoutMs: 1000 }),
      ).rejects.toThrow(/ENOENT|nonexistent/);
    });
  },
);

async function expectGone(pid: number): Promise<void> {
  const seen = (() => {
    try {
      return seeProcess(pid);
    } catch {
      return null;
    }
  })();
  if (seen === null) return;
  await vi.waitFor(() => expect(stillExists(seen)).toBe(false), { timeout: 30_000, interval: 20 });
}
