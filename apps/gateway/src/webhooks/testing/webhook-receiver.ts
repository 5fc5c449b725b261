// Test-only: a webhook receiver on loopback that records what arrives and answers as told.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface ReceivedWebhook {
  at: number;
  headers: Record<string, string>;
  body: string;
  /** What the receiver answered: an HTTP status (an endless body is a 200), or null for no answer. */
  answered: number | null;
}

/** How the receiver answers: a status, a 200 followed by an endless body, or never. */
export type ReceiverMode = { status: number } | 'endless-body' | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  mode: ReceiverMode;
  /** Stops listening (connections refused) until start() listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(mode: ReceiverMode = { status: 204 }): Promise<WebhookReceiver> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    mode,
    stop: () => stop(),
    start: () => listen(),
    close: () => stop(),
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const current = receiver.mode;
      const answered = current === 'hang' ? null : current === 'endless-body' ? 200 : current.status;
      receiver.received.push({ at: Date.now(), headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      if (current === 'hang') return;
      if (current === 'endless-body') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      res.writeHead(current.status, { 'content-type': 'text/plain' }).end(current.status >= 400 ? 'nope' : '');
    });
  };
  async function listen(): Promise<void> {
    const listening = createServer(handle);
    listening.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => listening.once('error', reject).listen(port, '127.0.0.1', resolve));
    server = listening;
    port = (listening.address() as AddressInfo).port;
    receiver.url = `http://127.0.0.1:${port}/hooks`;
  }
  async function stop(): Promise<void> {
    const current = server;
    server = null;
    if (!current) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  }
  await listen();
  return receiver;
}

/** The Standard Webhooks headers of a received call, as `Webhook.verify` takes them. */
export function signatureHeaders(received: ReceivedWebhook): Record<string, string> {
  return {
    'webhook-id': received.headers['webhook-id'],
    'webhook-timestamp': received.headers['webhook-timestamp'],
    'webhook-signature': received.headers['webhook-signature'],
  };
}
