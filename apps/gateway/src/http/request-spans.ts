import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  context,
  contextFromHeaders,
  contextWithSpan,
  markFailed,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  startSpan,
  tracingStarted,
} from '@validahub/observability';

/** Probes and scrapes would drown the useful traces, as they would the logs. */
const UNTRACED = /^\/(health|metrics)(\/|\?|$)/;

/**
 * One SERVER span per request (tracing on), named by method and route, continuing the caller's
 * `traceparent` when it sends one, and active for everything the request runs: its Postgres
 * statements, the payload it enqueues. Done here rather than by OpenTelemetry's HTTP
 * instrumentation, which cost the create path ~20% more CPU (it binds every request's and
 * response's event emitters and computes two generations of attributes); see
 * bench/load/tracing-overhead.ts. Call before any other hook, so they all run inside the span.
 */
export function installRequestSpans(fastify: FastifyInstance): void {
  if (!tracingStarted()) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (UNTRACED.test(request.url)) return done();
    const parent = contextFromHeaders(request.headers, ROOT_CONTEXT);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      parent,
      attributes: {
        'http.request.method': request.method,
        'http.route': route,
        'url.path': request.url.split('?')[0],
        'validahub.correlation_id': request.id,
      },
    });
    spans.set(request, span);
    // The rest of the request (hooks, handler, the reply) continues from inside this call.
    context.with(contextWithSpan(span, parent), done);
  });
  fastify.addHook('onError', (request, _reply, error, done) => {
    const span = spans.get(request);
    if (span) markFailed(span, error);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      span.end();
    }
    done();
  });
}
