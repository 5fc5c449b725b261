import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpConfig } from '@validahub/config';
import { genericProblem } from './problem';
import { sendProblem } from './problem-reply';

/** At most this much of an unread body is read and thrown away after an early answer (a 413), before closing. */
export const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
/** ... and for at most this long. */
export const DRAIN_MAX_MS = 5_000;

/**
 * Node's own timeouts: headers must arrive within HTTP_HEADERS_TIMEOUT_MS (checked every
 * second, not Node's default 30 s); its whole-request timeout stays off because uploads get an
 * idle timeout instead (see installSlowClientCuts).
 */
export function serverTimeoutOptions(http: HttpConfig): ServerOptions & { keepAliveTimeout: number; requestTimeout: number } {
  return {
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: 0,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, http.headersTimeoutMs),
  };
}

/**
 * Slow or stuck clients are cut, not waited for: a JSON request must be received and answered
 * within HTTP_REQUEST_TIMEOUT_MS (408 if the answer has not started, then the connection
 * closes); an upload may take as long as it keeps sending, but is cut after
 * HTTP_UPLOAD_IDLE_TIMEOUT_MS without a byte.
 *
 * And an answer given before the body was read (a 413 on Content-Length, a refused upload)
 * reaches ordinary clients: instead of closing at once, which resets the connection under a
 * client still sending and loses the answer it has not read yet (Node's fetch reports EPIPE),
 * the socket half-closes after the answer and reads and discards up to DRAIN_MAX_BYTES for up
 * to DRAIN_MAX_MS before it is destroyed.
 */
export function installSlowClientCuts(fastify: FastifyInstance, http: HttpConfig, uploadRoutes: readonly string[]): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const socket = request.raw.socket;
    drainBeforeClosing(socket);
    if (uploadRoutes.includes(request.routeOptions.url ?? '')) {
      // Node destroys a socket whose timeout fires with nobody listening; after the answer it
      // sets its own keep-alive timeout on the socket again.
      // (Injected requests, in tests, have a stand-in socket without timeouts.)
      if (typeof socket.setTimeout === 'function') socket.setTimeout(http.uploadIdleTimeoutMs);
      return;
    }
    const timer = setTimeout(() => cutSlowRequest(request, reply, http.requestTimeoutMs), http.requestTimeoutMs);
    reply.raw.once('close', () => clearTimeout(timer));
  });
}

/** A 408 when nothing has been answered yet, then the connection is closed (no drain: the client is the slow part). */
function cutSlowRequest(request: FastifyRequest, reply: FastifyReply, ms: number): void {
  const socket = request.raw.socket;
  (socket as Socket & { [NO_DRAIN]?: true })[NO_DRAIN] = true;
  if (reply.raw.headersSent) {
    socket.destroy();
    return;
  }
  reply.raw.once('finish', () => socket.destroy());
  void reply.header('Connection', 'close');
  void sendProblem(reply, genericProblem(408, `The request was not received and answered within ${ms / 1_000} s.`), String(request.id));
}

const DRAINING = Symbol('validahub.draining');
const NO_DRAIN = Symbol('validahub.no-drain');

/** Replaces the socket's destroySoon (what Node calls to close after a `Connection: close` answer) with a bounded drain. */
function drainBeforeClosing(socket: Socket): void {
  const marked = socket as Socket & { [DRAINING]?: true; [NO_DRAIN]?: true };
  // Injected requests (tests) have a stand-in socket without one.
  if (marked[DRAINING] || typeof socket.destroySoon !== 'function') return;
  marked[DRAINING] = true;
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (socket.destroyed || socket.readableEnded || marked[NO_DRAIN]) return destroySoon();
    let drained = 0;
    const stop = () => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(stop, DRAIN_MAX_MS);
    socket.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_MAX_BYTES) stop();
    });
    socket.once('end', stop);
    socket.once('error', stop);
    socket.end();
    socket.resume();
  };
}
