import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CORRELATION_ID_HEADER, MAX_CORRELATION_ID_LENGTH, resolveCorrelationId } from '@validahub/observability';
import type { HttpConfig } from '@validahub/config';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { genericProblem, problems } from './problem';
import { sendProblem } from './problem-reply';
import { serverTimeoutOptions } from './slow-clients';
import { findUnstorableText } from './unstorable-text';

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Deeper JSON than any real request needs; recursive validators would overflow the stack on it. */
export const MAX_JSON_DEPTH = 32;

/**
 * The Fastify adapter: the correlation id becomes Fastify's request id (so every log line and
 * error carries it), Fastify's own logger is off (nestjs-pino logs), bodies are capped.
 */
export function createFastifyAdapter(http: HttpConfig): FastifyAdapter {
  const { keepAliveTimeout, requestTimeout, ...serverOptions } = serverTimeoutOptions(http);
  return new FastifyAdapter({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    keepAliveTimeout,
    requestTimeout,
    trustProxy: http.trustProxy,
    http: serverOptions,
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => resolveCorrelationId(req.headers[CORRELATION_ID_HEADER]).id,
    // Router-level refusals (a malformed or over-long URL) answer problem+json like every other error.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const detail = status === 414 ? 'A path segment of the URL is too long.' : 'The URL is not valid.';
      void sendProblem(reply, genericProblem(status, detail), request.id);
    },
  });
}

/** Depth of a parsed JSON value, measured without recursion (so it cannot overflow itself). */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return deepest;
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

  fastify.addHook('preValidation', async (request) => {
    const json = /json/i.test(request.headers['content-type'] ?? '');
    if (json && request.body !== undefined && jsonDepth(request.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      throw problems.validation([{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }], 'The JSON body is nested too deeply.');
    }
    const unstorable = (json ? findUnstorableText(request.body, '') : undefined) ?? findUnstorableText(request.query, 'query');
    if (unstorable !== undefined) {
      throw problems.validation(
        [{ field: unstorable || 'body', message: 'contains a NUL character or a lone surrogate, which cannot be stored' }],
        'The request contains text that cannot be stored (a NUL character or a lone UTF-16 surrogate).',
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
