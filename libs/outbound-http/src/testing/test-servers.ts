// Test support: real loopback HTTP and HTTPS servers, and a throwaway self-signed certificate.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TestCertificate {
  key: string;
  cert: string;
}

export interface TestServer {
  /** `http(s)://<host>:<port>` with IPv6 hosts in brackets. */
  origin: string;
  port: number;
  /** Requests received so far, in order. */
  readonly requests: IncomingMessage[];
  close(): Promise<void>;
}

export type TestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * A server on a loopback address (default 127.0.0.1, a free port). With `tls` it speaks HTTPS
 * with that certificate. close() also cuts connections still open (slow-body tests).
 */
export async function startTestServer(handler: TestHandler, options: { host?: string; tls?: TestCertificate } = {}): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: IncomingMessage[] = [];
  const listener: RequestListener = (req, res) => {
    requests.push(req);
    Promise.resolve(handler(req, res)).catch((error: Error) => res.destroy(error));
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  const sockets = new Set<Socket>();
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    origin: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A self-signed certificate for the given DNS names and IP addresses, made by the openssl CLI. */
export async function selfSignedCertificate(names: { dns?: string[]; ip?: string[] }): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'vh-tls-'));
  try {
    const san = [...(names.dns ?? []).map((n) => `DNS:${n}`), ...(names.ip ?? []).map((n) => `IP:${n}`)].join(',');
    const common = names.dns?.[0] ?? names.ip?.[0] ?? 'localhost';
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${common}`,
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
