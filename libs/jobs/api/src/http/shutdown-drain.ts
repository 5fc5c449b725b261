import type { FastifyInstance } from 'fastify';

/** How long a stopping gateway waits for requests in flight before it drops what is left. */
export const SHUTDOWN_DRAIN_MS = 10_000;

/**
 * On close (SIGTERM through Nest's shutdown hooks) the server stops accepting connections and
 * lets requests in flight finish. A connection that is open but has not sent a request yet
 * (load balancers and HTTP clients pre-connect) would otherwise hold the process for Node's
 * header timeout (60-90 s); once the drain deadline passes every remaining connection is closed.
 */
export function installShutdownDrain(fastify: FastifyInstance, drainMs = SHUTDOWN_DRAIN_MS): void {
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
