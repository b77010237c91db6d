import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { BASE_PYTHON } from './wheels.js';

/**
 * Loopback ports for tests of an endpoint that is down. A port found free and closed again may be
 * taken by any other process on a shared machine before the test uses it; these stay held by the
 * test until it ends, so what answers on them never depends on what else runs.
 */

const holders: ChildProcess[] = [];
const gates: { server: Server; sockets: Set<Socket> }[] = [];

afterEach(async () => {
  for (const holder of holders.splice(0)) holder.kill('SIGKILL');
  for (const { server, sockets } of gates.splice(0)) {
    // A kept-alive client connection would hold the gate open: end them with it.
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  }
});

/**
 * A port on 127.0.0.1 bound but not listening until the test ends: every connection to it is
 * refused (ECONNREFUSED), as when nothing listens, and no other process can take it meanwhile.
 * Node cannot bind without listening, so a small Python process holds it.
 */
export async function refusingPort(): Promise<number> {
  const holder = spawn(
    BASE_PYTHON,
    [
      '-I',
      '-c',
      [
        'import socket, sys',
        'held = socket.socket()',
        "held.bind(('127.0.0.1', 0))",
        'print(held.getsockname()[1], flush=True)',
        'sys.stdin.read()',
      ].join('\n'),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  holders.push(holder);
  for await (const line of createInterface({ input: holder.stdout! })) return Number(line);
  throw new Error('the Python process holding a port ended before it printed the port');
}

/**
 * A port on 127.0.0.1 that resets every connection (the endpoint is down) until `forwardTo` sends
 * them on to a server's port (it is back), so a client configured once sees both on one address.
 */
export async function switchablePort(): Promise<{ port: number; forwardTo(port: number): void }> {
  let target: number | null = null;
  const sockets = new Set<Socket>();
  const gate = createServer((socket) => {
    if (target === null) return void socket.resetAndDestroy();
    const upstream = connect(target, '127.0.0.1');
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.once('close', () => sockets.delete(end));
    }
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
  gates.push({ server: gate, sockets });
  const { port } = gate.address() as { port: number };
  return { port, forwardTo: (to) => void (target = to) };
}
