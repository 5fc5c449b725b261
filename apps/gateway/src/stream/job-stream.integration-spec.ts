import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventSource } from 'eventsource';
import { JobEvent } from '@validahub/jobs-domain';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { TcpProxy } from '../testing/tcp-proxy';

interface Received {
  type: string;
  id: string;
  data: Record<string, unknown>;
}

/** Follows a job with a real EventSource client; collects every event until closed. */
function follow(url: string) {
  const events: Received[] = [];
  let connections = 0;
  const source = new EventSource(url, {
    fetch: (input, init) => {
      connections++;
      return fetch(input, init);
    },
  });
  for (const type of ['status', 'progress']) {
    source.addEventListener(type, (event) => events.push({ type, id: event.lastEventId, data: JSON.parse(event.data) }));
  }
  return { source, events, connections: () => connections };
}

describe('GET /jobs/{id}/stream: live progress over server-sent events', () => {
  let harness: GatewayHarness;
  let applying: NestFastifyApplication;
  let streaming: NestFastifyApplication;
  let streamingUrl: string;
  const sources: EventSource[] = [];

  beforeAll(async () => {
    harness = await createGatewayHarness('stream', { ENABLE_TEST_TASKS: 'true' });
    const stream = { heartbeatMs: 200, retryMs: 200, progressIntervalMs: 250 };
    applying = await harness.start({ stream });
    // The second replica applies no events and never polls Postgres in time: what it streams came over the live bus.
    streaming = await harness.start({ eventApplier: false, stream: { ...stream, pollMs: 600_000 } });
    await streaming.listen(0, '127.0.0.1');
    streamingUrl = await streaming.getUrl();
  });
  afterAll(async () => {
    for (const source of sources) source.close();
    await harness?.close();
  });

  const createJob = async (): Promise<string> => {
    const response = await applying.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task: 'noop_job', params: {}, plan: 'pro' } });
    expect(response.statusCode).toBe(202);
    return response.json().id;
  };
  const now = () => new Date().toISOString();
  const publish = (event: JobEvent) => harness.publisher.publish(event);
  const statuses = (events: Received[]) => events.filter((e) => e.type === 'status').map((e) => e.data.status);
  const job = async (id: string) => (await applying.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json();

  it('sends the job, every transition and coalesced progress, with ids, then ends after the terminal status (replica B, events applied by A)', async () => {
    const id = await createJob();
    const { source, events } = follow(`${streamingUrl}/api/v1/jobs/${id}/stream`);
    sources.push(source);
    await waitFor(() => events.length === 1, 10_000, 'the opening status');
    expect(events[0]).toMatchObject({ type: 'status', data: await job(id) });

    await publish({ type: 'started', jobId: id, attempt: 1, at: now() });
    await waitFor(() => statuses(events).includes('running'), 10_000, 'running');
    for (let i = 1; i <= 20; i++) await publish({ type: 'progress', jobId: id, attempt: 1, at: now(), progress: i * 4, message: `step ${i}` });
    await waitFor(() => events.some((e) => e.type === 'progress' && e.data.progress === 80), 10_000, 'the last progress');
    await publish({ type: 'succeeded', jobId: id, attempt: 1, at: now(), startedAt: now(), resultRef: `results/${id}.json`, summary: { rows: 3 } });
    await waitFor(() => statuses(events).includes('succeeded'), 10_000, 'succeeded');

    expect(statuses(events)).toEqual(['queued', 'running', 'succeeded']);
    const progress = events.filter((e) => e.type === 'progress');
    // Coalesced: fewer events than reports, in order, ending on the last report.
    expect(progress.length).toBeLessThan(20);
    expect(progress.at(-1)?.data).toEqual({ progress: 80, message: 'step 20' });
    const values = progress.map((e) => e.data.progress as number);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(events.at(-1)?.data).toEqual(await job(id));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    // The server ended the stream; the client's reconnect with the terminal id gets 204 and stops.
    await waitFor(() => source.readyState === EventSource.CLOSED, 10_000, 'closed for good');
  });

  it('resumes after a dropped connection with Last-Event-ID: nothing lost, nothing repeated', async () => {
    const proxy = await new TcpProxy(new URL(streamingUrl).port ? Number(new URL(streamingUrl).port) : 80).start();
    try {
      const id = await createJob();
      const { source, events, connections } = follow(`http://127.0.0.1:${proxy.port}/api/v1/jobs/${id}/stream`);
      sources.push(source);
      await waitFor(() => events.length === 1, 10_000, 'the opening status');
      await publish({ type: 'started', jobId: id, attempt: 1, at: now() });
      await waitFor(() => statuses(events).includes('running'), 10_000, 'running');
      await publish({ type: 'progress', jobId: id, attempt: 1, at: now(), progress: 30, message: 'a third' });
      await waitFor(() => events.some((e) => e.type === 'progress'), 10_000, 'progress');

      await proxy.cut();
      // While the client is away: a retry and a second attempt, and more progress.
      await publish({
        type: 'retrying',
        jobId: id,
        attempt: 1,
        at: now(),
        startedAt: now(),
        error: { code: 'boom', message: 'transient', retryable: true },
        nextAttemptAt: now(),
      });
      await publish({ type: 'started', jobId: id, attempt: 2, at: now() });
      await publish({ type: 'progress', jobId: id, attempt: 2, at: now(), progress: 55, message: 'again' });
      await waitFor(async () => (await job(id)).progress === 55, 10_000, 'applied while away');
      await proxy.restore();

      await waitFor(() => events.some((e) => e.type === 'progress' && e.data.progress === 55), 15_000, 'the missed progress');
      await publish({ type: 'succeeded', jobId: id, attempt: 2, at: now(), startedAt: now(), resultRef: null, summary: null } as JobEvent);
      await waitFor(() => statuses(events).includes('succeeded'), 10_000, 'succeeded');

      expect(connections()).toBeGreaterThanOrEqual(2);
      const shown = events.map((e) => (e.type === 'status' ? `${e.data.status}#${e.data.attempts}` : `progress ${e.data.progress}`));
      expect(shown).toEqual(['queued#0', 'running#1', 'progress 30', 'retrying#1', 'running#2', 'progress 55', 'succeeded#2']);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    } finally {
      await proxy.close();
    }
  });

  it('keeps an idle stream alive with comment lines', async () => {
    const id = await createJob();
    const controller = new AbortController();
    const response = await fetch(`${streamingUrl}/api/v1/jobs/${id}/stream`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': keep-alive')) text += (await reader.read()).value ?? '';
    controller.abort();
    expect(text).toMatch(/^retry: 200\n\nid: \d+\nevent: status\ndata: \{/);
  });

  it('answers bad requests with problems before streaming', async () => {
    const id = await createJob();
    const get = (url: string, headers: Record<string, string> = {}) => applying.inject({ method: 'GET', url, headers });
    expect((await get('/api/v1/jobs/not-a-uuid/stream')).statusCode).toBe(400);
    const missing = await get('/api/v1/jobs/00000000-0000-4000-8000-000000000000/stream');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
    for (const bad of ['abc', '12p', '-1', '1.5', '99999999999999999999'])
      expect((await get(`/api/v1/jobs/${id}/stream`, { 'last-event-id': bad })).statusCode).toBe(400);
    // A finished job: the stream opens with its terminal status and ends; resuming from there is 204,
    // so an EventSource stops reconnecting.
    expect((await applying.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}` })).statusCode).toBe(200);
    const finished = await get(`/api/v1/jobs/${id}/stream`);
    expect(finished.statusCode).toBe(200);
    const lastId = /id: (\d+)\nevent: status\ndata: (.*)\n/.exec(finished.body);
    expect(JSON.parse(lastId?.[2] ?? '{}')).toMatchObject({ id, status: 'cancelled' });
    expect((await get(`/api/v1/jobs/${id}/stream`, { 'last-event-id': lastId?.[1] ?? '' })).statusCode).toBe(204);
    // An earlier id still gets what followed it.
    const earlier = await get(`/api/v1/jobs/${id}/stream`, { 'last-event-id': String(Number(lastId?.[1]) - 1) });
    expect(earlier.body).toMatch(/"status":"cancelled"/);
    expect(earlier.body).not.toMatch(/"status":"queued"/);
  });
});
