import { Attributes, context, Context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const TRACER_NAME = 'validahub';

/** The `traceparent` of the active span (to carry in a queue payload or an event); undefined outside a trace or with tracing off. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a carried `traceparent` continues (the W3C propagator ignores a malformed one: `base` then). */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = context.active()): Context {
  return traceparent === undefined ? base : propagation.extract(base, { traceparent });
}

/** The context an incoming request's `traceparent` header continues (`base` without one, or with a malformed one). */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>, base: Context = context.active()): Context {
  return headers.traceparent === undefined ? base : propagation.extract(base, headers);
}

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** The parent; default the active context. */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span that ends when it settles; a throw marks the span as an
 * error and is rethrown. With tracing off the span is the API's no-op.
 */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        markFailed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** A span started now, not made active (for work that ends in a callback; the caller ends it). */
export function startSpan(name: string, options: SpanOptions): Span {
  return trace
    .getTracer(TRACER_NAME)
    .startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, options.parent ?? context.active());
}

/** A span for work timed elsewhere (another thread): its own start and end times, epoch milliseconds. */
export interface TimedSpan {
  name: string;
  startMs: number;
  endMs: number;
  attributes?: Attributes;
  /** The work failed with this message. */
  error?: string;
}

export function recordTimedSpan(timed: TimedSpan, parent: Context): void {
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(timed.name, { kind: SpanKind.INTERNAL, attributes: timed.attributes, startTime: timed.startMs }, parent);
  if (timed.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: timed.error });
  span.end(timed.endMs);
}

/** `base` with `span` as its active span (to run work inside a span started elsewhere). */
export function contextWithSpan(span: Span, base: Context = context.active()): Context {
  return trace.setSpan(base, span);
}

export function markFailed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** `trace_id` and `span_id` of the active span for a log line (pino mixin); empty outside a trace. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return trace.isSpanContextValid(span.spanContext()) ? { trace_id: traceId, span_id: spanId } : {};
}

export { context, ROOT_CONTEXT, SpanKind, type Context, type Span };
