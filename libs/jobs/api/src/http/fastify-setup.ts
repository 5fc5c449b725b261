import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CORRELATION_ID_HEADER, MAX_CORRELATION_ID_LENGTH, resolveCorrelationId } from '@validahub/observability';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { problems } from './problem';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The Fastify adapter: the correlation id becomes Fastify's request id (so every log line and
 * error carries it), Fastify's own logger is off (nestjs-pino logs), bodies are capped.
 */
export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => resolveCorrelationId(req.headers[CORRELATION_ID_HEADER]).id,
  });
}

/** Hooks that must run for every route, errors included. Call before app.init(). */
export function installHttpHooks(fastify: FastifyInstance, metrics: GatewayMetrics): void {
  // JSON only: without this a text/plain body would reach validation instead of a 415.
  fastify.removeContentTypeParser('text/plain');

  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header(CORRELATION_ID_HEADER, request.id);
    const supplied = request.headers[CORRELATION_ID_HEADER];
    if (supplied !== undefined && resolveCorrelationId(supplied).valid === false) {
      throw problems.validation(
        [{ field: 'X-Correlation-Id', message: `must be 1..${MAX_CORRELATION_ID_LENGTH} printable ASCII characters` }],
        'The X-Correlation-Id header is not valid.',
      );
    }
  });

  fastify.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: routeOf(request), status_code: String(reply.statusCode) },
      reply.elapsedTime / 1_000,
    );
  });
}

// The route pattern keeps label cardinality bounded; unmatched URLs share one label.
function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}
