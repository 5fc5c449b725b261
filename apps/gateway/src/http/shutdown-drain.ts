import type { FastifyInstance } from 'fastify';

/**
 * On close (SIGTERM through Nest's shutdown hooks) the server stops accepting connections and
 * lets requests in flight finish. A connection that is open but has not sent a request yet
 * (load balancers and HTTP clients pre-connect) would otherwise hold the process for Node's
 * header timeout (60-90 s); once `drainMs` (GATEWAY_SHUTDOWN_DRAIN_MS) has passed, every
 * remaining connection is closed.
 */
export function installShutdownDrain(fastify: FastifyInstance, drainMs: number): void {
  fastify.addHook('preClose', (done) => {
    const server = fastify.server;
    const idleSweep = setInterval(() => server.closeIdleConnections(), 250);
    const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
    idleSweep.unref();
    deadline.unref();
    server.once('close', () => {
      clearInterval(idleSweep);
      clearTimeout(deadline);
    });
    done();
  });
}
