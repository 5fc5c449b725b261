import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { pinoLoggerParams } from '../logging';
import {
  context,
  contextFromTraceparent,
  contextWithSpan,
  currentTraceparent,
  recordTimedSpan,
  ROOT_CONTEXT,
  startSpan,
  traceLogFields,
  withSpan,
} from './spans';
import { startTracing, stopTracing, tracingStarted } from './start-tracing';

const REMOTE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('tracing', () => {
  describe('off (the default)', () => {
    it('starts nothing, carries no traceparent, adds no log fields, and still runs the work', async () => {
      expect(startTracing({ enabled: false, serviceName: 'test' })).toBe(false);
      expect(tracingStarted()).toBe(false);
      await expect(withSpan('job.attempt', {}, async () => ({ traceparent: currentTraceparent(), fields: traceLogFields() }))).resolves.toEqual({
        traceparent: undefined,
        fields: {},
      });
      expect(context.with(contextFromTraceparent(REMOTE), () => currentTraceparent())).toBeUndefined();
      expect(pinoLoggerParams({ level: 'info', service: 'test' }).pinoHttp).not.toHaveProperty('mixin');
    });
  });

  describe('on, with an in-memory exporter', () => {
    const exporter = new InMemorySpanExporter();
    const finished = () => exporter.getFinishedSpans();

    beforeAll(() => {
      expect(startTracing({ enabled: true, serviceName: 'validahub-test', spanProcessors: [new SimpleSpanProcessor({ exporter })] })).toBe(true);
    });
    afterEach(() => exporter.reset());
    afterAll(() => stopTracing());

    it('nests spans, and the active one is what a payload or an event carries', async () => {
      const seen = await withSpan('outer', { attributes: { 'job.id': 'j1' } }, async (outer) =>
        withSpan('inner', {}, async (inner) => {
          // Across an await the context stays (AsyncLocalStorage).
          await new Promise((resolve) => setTimeout(resolve, 1));
          return { outer: outer.spanContext(), inner: inner.spanContext(), traceparent: currentTraceparent(), fields: traceLogFields() };
        }),
      );
      expect(seen.traceparent).toBe(`00-${seen.inner.traceId}-${seen.inner.spanId}-01`);
      expect(seen.fields).toEqual({ trace_id: seen.inner.traceId, span_id: seen.inner.spanId });
      const [inner, outer] = finished();
      expect(inner.parentSpanContext?.spanId).toBe(seen.outer.spanId);
      expect(outer.attributes).toEqual({ 'job.id': 'j1' });
      expect(outer.resource.attributes['service.name']).toBe('validahub-test');
      expect(traceLogFields()).toEqual({});
    });

    it('continues a carried traceparent, and starts a new trace from a malformed one', async () => {
      await withSpan('job.attempt', { parent: contextFromTraceparent(REMOTE, ROOT_CONTEXT) }, async () => undefined);
      await withSpan('orphan', { parent: contextFromTraceparent('00-nonsense', ROOT_CONTEXT) }, async () => undefined);
      const [continued, orphan] = finished();
      expect(continued.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(continued.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(orphan.spanContext().traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(orphan.parentSpanContext).toBeUndefined();
    });

    it('marks a span whose work threw as an error, and rethrows', async () => {
      await expect(withSpan('fails', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(finished()[0].status).toEqual({ code: 2, message: 'boom' });
      expect(finished()[0].events.map((e) => e.name)).toEqual(['exception']);
    });

    it('records a span timed elsewhere with its own times, under the given parent', () => {
      const parent = startSpan('job.attempt', { parent: ROOT_CONTEXT });
      const startMs = Date.now() - 50;
      recordTimedSpan({ name: 'storage.read', startMs, endMs: startMs + 20, attributes: { 'storage.uri': 'in.csv' } }, contextWithSpan(parent));
      recordTimedSpan({ name: 'storage.write', startMs, endMs: startMs + 5, error: 'StorageError: denied' }, contextWithSpan(parent));
      parent.end();
      const [read, write] = finished();
      expect(read.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(read.attributes).toEqual({ 'storage.uri': 'in.csv' });
      const ms = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;
      expect(ms(read.startTime)).toBeCloseTo(startMs, 0);
      expect(ms(read.duration)).toBeCloseTo(20, 0);
      expect(write.status).toEqual({ code: 2, message: 'StorageError: denied' });
    });

    it('puts trace ids on the gateway log lines only when asked (tracing on)', () => {
      const { pinoHttp } = pinoLoggerParams({ level: 'info', service: 'test', traceIds: true }) as { pinoHttp: { mixin?: () => object } };
      const span = startSpan('request', { parent: ROOT_CONTEXT });
      expect(context.with(contextWithSpan(span), () => pinoHttp.mixin?.())).toEqual({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
      span.end();
    });
  });
});
