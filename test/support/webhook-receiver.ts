import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with one request: answer a status, never answer, or answer non-HTTP. */
export type Answer = number | 'hang' | 'garbage';

/** One request the receiver got, with what it answered. */
export interface Received {
  path: string;
  alertId: string;
  headers: IncomingHttpHeaders;
  body: string;
  answer: Answer;
}

/** A running receiver: its base URL, what it received so far, and how to stop it. */
export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 that records every request and answers as `decide` says for
 * that path, alert and attempt (1 for the first request of that alert on that path).
 */
export async function startReceiver(
  decide: (path: string, alertId: string, attempt: number) => Answer,
): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const alertId = String(request.headers['x-scriptdesk-alert-id']);
      const requestPath = request.url ?? '';
      const attempt =
        received.filter((r) => r.path === requestPath && r.alertId === alertId).length + 1;
      const answer = decide(requestPath, alertId, attempt);
      received.push({
        path: requestPath,
        alertId,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answer,
      });
      if (answer === 'hang') return;
      if (answer === 'garbage') {
        response.socket?.end('this is not HTTP at all\r\n\r\n');
        return;
      }
      response.writeHead(answer).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
