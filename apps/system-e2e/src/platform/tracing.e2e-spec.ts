import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OtlpReceiver, ReceivedSpan, waitFor, WORKSPACE_ROOT } from '@validahub/testing';
import { TestSystem, waitForJob } from '../support/system';

jest.setTimeout(180_000);

const SERVER_KIND = 2;
const CONSUMER_KIND = 5;

/**
 * OpenTelemetry across the real processes: the gateway and a worker export OTLP/HTTP (JSON) to
 * a receiver in this test. One CSV job must make one trace: the HTTP create and its Postgres
 * statements on the gateway, the worker's attempt continuing it from the queue payload, the
 * attempt's storage calls (made in its sandbox thread), and the gateway applying the worker's
 * events, each span under the right parent.
 */
describe('tracing: one trace from create through the worker back to the gateway', () => {
  let receiver: OtlpReceiver;
  let system: TestSystem;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    system = await TestSystem.create({
      label: 'tracing',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        // Export within a tenth of a second instead of the default five.
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LOG_FORMAT: 'json',
      },
    });
    mkdirSync(join(system.storage, 'samples'));
    copyFileSync(join(WORKSPACE_ROOT, 'samples', 'mercado-livre-electronics.csv'), join(system.storage, 'samples', 'traced.csv'));
    await system.startGateway();
    await system.startWorker(['pro']);
  });

  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  });

  it('links gateway create -> Postgres -> worker attempt -> storage -> gateway event application in one trace', async () => {
    const correlationId = `trace-e2e-${Date.now()}`;
    const created = await fetch(`${system.api.baseUrl}/api/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
      body: JSON.stringify({
        task: 'correct_csv_job',
        plan: 'pro',
        params: { input_uri: 'samples/traced.csv', marketplace: 'mercado_livre', category: 'electronics' },
      }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    await waitForJob(system.api, id, (status) => status === 'succeeded', 60_000);

    // The attempt's span names the trace; wait until the gateway exported the succeeded event's application.
    let spans: ReceivedSpan[] = [];
    await waitFor(
      () => {
        const attempt = receiver.spans.find((s) => s.name === 'job.attempt' && s.attributes['job.id'] === id);
        spans = attempt ? receiver.trace(attempt.traceId) : [];
        return spans.some((s) => s.name === 'job.event.apply' && s.attributes['job.event.type'] === 'succeeded');
      },
      20_000,
      'the job trace exported by both processes',
    );
    const only = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found).toHaveLength(1);
      return found[0];
    };

    const attempt = only('job.attempt');
    const http = spans.find((s) => s.spanId === attempt.parentSpanId);
    // The create request is the trace's root, on the gateway.
    expect(http).toMatchObject({ service: 'validahub-gateway', name: 'POST /api/v1/jobs', kind: SERVER_KIND, parentSpanId: '' });
    expect(http?.attributes).toMatchObject({
      'http.route': '/api/v1/jobs',
      'http.response.status_code': 202,
      'validahub.correlation_id': correlationId,
    });
    // Its Postgres statements, the job's insert among them, are its descendants.
    const pg = spans.filter((s) => s.service === 'validahub-gateway' && s.name.startsWith('pg.'));
    const statement = (s: ReceivedSpan) => String(s.attributes['db.query.text'] ?? s.attributes['db.statement'] ?? s.name);
    const createStatements = pg.filter((s) => ancestors(spans, s).includes(http!.spanId));
    expect(createStatements.some((s) => /insert\s+into\s+"?jobs"?/i.test(statement(s)))).toBe(true);
    if (process.env.TRACE_DUMP)
      console.log(spans.map((s) => `${s.service} ${s.name} ${s.spanId} <- ${s.parentSpanId} ${statement(s).slice(0, 60)}`).join('\n'));

    // The worker's attempt continues it (through the payload's traceparent), with the job's ids.
    expect(attempt).toMatchObject({ service: 'validahub-worker-pro', kind: CONSUMER_KIND });
    expect(attempt.attributes).toMatchObject({
      'job.id': id,
      'job.task': 'correct_csv_job',
      'job.attempt': 1,
      'validahub.correlation_id': correlationId,
    });

    // Its storage calls, made in the sandbox thread, are its children: the input read, the results written.
    const storage = spans.filter((s) => s.name.startsWith('storage.'));
    expect(storage.map((s) => s.name)).toEqual(expect.arrayContaining(['storage.read', 'storage.write']));
    for (const call of storage) expect(call).toMatchObject({ service: 'validahub-worker-pro', parentSpanId: attempt.spanId });
    expect(storage.find((s) => s.name === 'storage.read')?.attributes['storage.uri']).toBe('samples/traced.csv');

    // The gateway applies the worker's started and succeeded events under the attempt that sent them.
    const applied = spans.filter((s) => s.name === 'job.event.apply');
    expect(applied.map((s) => s.attributes['job.event.type']).sort()).toEqual(expect.arrayContaining(['started', 'succeeded']));
    for (const apply of applied) {
      expect(apply).toMatchObject({ service: 'validahub-gateway', kind: CONSUMER_KIND, parentSpanId: attempt.spanId });
      expect(apply.attributes['job.id']).toBe(id);
      expect(apply.attributes['job.event.outcome']).toBe(apply.attributes['job.event.type'] === 'progress' ? 'progress' : 'transition');
    }
    // Every other statement of the trace is one of the event applications'.
    const applyIds = applied.map((s) => s.spanId);
    expect(pg.filter((s) => !createStatements.includes(s)).every((s) => ancestors(spans, s).some((id) => applyIds.includes(id)))).toBe(true);
    // Nothing of this trace is left dangling: every parent is in it.
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId))).toEqual([]);

    // Log lines written inside the trace carry its id: the worker's attempt lines and the gateway's request line.
    const workerLines = jsonLines(system.processes[1].output()).filter((l) => l.jobId === id && l.msg === 'attempt started');
    expect(workerLines).toEqual([expect.objectContaining({ trace_id: attempt.traceId, span_id: attempt.spanId })]);
    // The gateway writes its JSON lines in ~4 KiB batches, flushed at least once a second.
    let requestLines: Record<string, unknown>[] = [];
    await waitFor(
      () => {
        requestLines = jsonLines(system.gateway!.output()).filter((l) => l.correlation_id === correlationId && l.msg === 'request completed');
        return requestLines.length > 0;
      },
      10_000,
      "the create's request line",
    );
    expect(requestLines).toEqual([expect.objectContaining({ trace_id: attempt.traceId, span_id: http!.spanId })]);
  });
});

function ancestors(spans: ReceivedSpan[], span: ReceivedSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const found: string[] = [];
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) found.push(parent.spanId);
  return found;
}

function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}
