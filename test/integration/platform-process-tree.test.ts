import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { HOST_OS } from '../../main/platform/os.js';
import { psIdentity } from '../../main/shared/process-identity.js';
import { psDescendants, psListing } from '../../main/shared/process-scan.js';
import { parentOf } from '../support/processes.js';

// macOS finds a run's descendants with one `ps` listing (see main/platform/process-tree.ts).
// procps `ps` takes the same options, so the scan runs for real here against a real tree, and
// its answer is checked against /proc, which the scan does not read.

/**
 * A tree of three Python processes: the root, a child that left the root's session (`setsid`,
 * as a daemonising script does) and a grandchild. Each waits on its stdin, which the test closes.
 */
const TREE = `
import os, subprocess, sys
depth = int(sys.argv[1])
if depth < 2:
    child = subprocess.Popen([sys.executable, "-c", sys.argv[2], str(depth + 1), sys.argv[2]],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=depth == 0)
    below = child.stdout.readline().decode().split()
else:
    below = []
print(os.getpid(), *below, flush=True)
sys.stdin.read()
`;

/** Every pid of the tree, killed after each test whatever its outcome. */
let started: number[] = [];
afterEach(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  started = [];
});

describe.skipIf(HOST_OS === 'win32')(
  'finding a tree by ps (macOS’s way), run here with procps',
  () => {
    it('lists every live process with its parent and start time', () => {
      const listing = psListing();
      const self = listing.find((entry) => entry.pid === process.pid);
      expect(self?.ppid).toBe(process.ppid);
      expect(self?.started).toMatch(/\d{2}:\d{2}:\d{2} \d{4}$/);
    });

    it('finds a child that left the session and its grandchild, by parent pid', async () => {
      const root = spawn('python3', ['-I', '-c', TREE, '0', TREE], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      started.push(root.pid!);
      const [line] = (await once(createInterface({ input: root.stdout! }), 'line')) as [string];
      const [rootPid, childPid, grandchildPid] = line.split(' ').map(Number);
      started.push(childPid!, grandchildPid!);
      expect(rootPid).toBe(root.pid);
      // Independent of the scan: /proc says who is whose parent.
      expect(parentOf(childPid!)).toBe(rootPid);
      expect(parentOf(grandchildPid!)).toBe(childPid);

      const found = psDescendants(rootPid!);
      expect(found.map((entry) => entry.pid)).toEqual([childPid, grandchildPid]);
      expect(psDescendants(grandchildPid!)).toEqual([]);
      // The start times identify them later (a reused pid would not match).
      const again = psListing();
      for (const entry of found)
        expect(again.find((listed) => listed.pid === entry.pid)?.started).toBe(entry.started);
    });

    it('recognises a process by its ps start time, and a gone one as gone', async () => {
      const child = spawn(
        'python3',
        ['-I', '-c', 'import sys; print("up", flush=True); sys.stdin.read()'],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      started.push(child.pid!);
      await once(createInterface({ input: child.stdout! }), 'line');
      const identity = psIdentity(child.pid!);
      expect(identity?.pid).toBe(child.pid);
      expect(identity?.started).toBe(psListing().find((entry) => entry.pid === child.pid)?.started);
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
      expect(psIdentity(child.pid!)).toBeNull();
    });
  },
);
