import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface WorkerHttpEndpointOptions {
  port: number;
  registry: Registry;
  /** Ready means: the runtime has started and is not stopping, and Redis answers. */
  ready: () => Promise<{ ready: boolean; checks: Record<string, string> }>;
  logger: Logger;
}

/**
 * A worker's small HTTP port for Kubernetes probes and Prometheus: `/health/live` (the process
 * answers), `/health/ready` (see `ready`) and `/metrics`. Plain node:http: a worker needs no web
 * framework for three GET routes. Unauthenticated, like any scrape port: keep it inside the
 * cluster network (the NetworkPolicy in k8s/ does).
 */
export class WorkerHttpEndpoint {
  private server?: Server;

  constructor(private readonly options: WorkerHttpEndpointOptions) {}

  /** The port actually bound (differs from the configured one when that was 0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        this.options.logger.warn({ err: error, url: request.url }, 'worker http endpoint failed');
        if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ status: 'error' }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, () => resolve());
    });
    this.server = server;
    this.options.logger.info({ port: this.port }, 'health and metrics endpoint listening');
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, 405, 'application/json', JSON.stringify({ status: 'method not allowed' }));
    }
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health/live') return send(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready') {
      const { ready, checks } = await this.options.ready();
      return send(response, ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ok' : 'unavailable', checks }));
    }
    if (path === '/metrics') return send(response, 200, this.options.registry.contentType, await this.options.registry.metrics());
    send(response, 404, 'application/json', JSON.stringify({ status: 'not found' }));
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  response.end(body);
}
