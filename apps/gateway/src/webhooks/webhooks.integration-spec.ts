import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { JobEvent } from '@validahub/jobs-domain';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { newTenant, TestTenant } from '../testing/tenant-kit';
import { ReceivedWebhook, signatureHeaders, startWebhookReceiver, WebhookReceiver } from './testing/webhook-receiver';

type DeliveryRow = {
  id: string;
  message_id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
};

/** Short gaps so a test sees several retries; growing fivefold first, so a stalled event loop cannot invert them. */
const TEST_RETRY_DELAYS_MS = [200, 1_000, 2_000, 2_000, 2_000, 2_000, 2_000];

describe('webhooks: endpoints, signed deliveries from the outbox, retries, disabling', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    harness = await createGatewayHarness('webhooks', { ENABLE_TEST_TASKS: 'true', AUTH_MODE: 'required', WEBHOOK_ALLOW_PRIVATE: 'true' });
    app = await harness.start({ webhooks: { pollIntervalMs: 50, retryDelaysMs: TEST_RETRY_DELAYS_MS, attemptTimeoutMs: 1_000 } });
    tenant = await newTenant(app, { plan: 'pro' });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await harness?.close();
  });
  beforeEach(() => {
    receiver.mode = { status: 204 };
    receiver.received.length = 0;
  });

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, who: TestTenant = tenant) =>
    app.inject({ method, url, payload: payload as object, headers: who.headers });
  const createEndpoint = async (events: string[], url = receiver.url, who = tenant) => {
    const response = await api('POST', '/api/v1/webhooks', { url, events, description: 'test' }, who);
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; secret: string };
  };
  const removeEndpoint = (id: string) => api('DELETE', `/api/v1/webhooks/${id}`);
  const createJob = async (who = tenant): Promise<string> => {
    const response = await api('POST', '/api/v1/jobs', { task: 'noop_job', params: {} }, who);
    expect(response.statusCode).toBe(202);
    return response.json().id;
  };
  const now = () => new Date().toISOString();
  const publish = (event: JobEvent) => harness.publisher.publish(event);
  const runToSuccess = async (jobId: string) => {
    await publish({ type: 'started', jobId, attempt: 1, at: now() });
    await publish({ type: 'succeeded', jobId, attempt: 1, at: now(), startedAt: now(), resultRef: `results/${jobId}.json`, summary: { rows: 1 } });
  };
  const bodyOf = (received: ReceivedWebhook) => JSON.parse(received.body) as { type: string; timestamp: string; data: Record<string, unknown> };
  const deliveries = async (endpointId: string) =>
    (await api('GET', `/api/v1/webhooks/${endpointId}/deliveries?limit=100`)).json().items as DeliveryRow[];

  it('manages endpoints: secret shown once, validation, pause, delete, another tenant sees 404', async () => {
    const created = await api('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/in', events: ['job.succeeded', 'job.succeeded'] });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json();
    expect(endpoint).toMatchObject({ url: 'https://hooks.example.com/in', events: ['job.succeeded'], enabled: true, description: null });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const shown = (await api('GET', `/api/v1/webhooks/${endpoint.id}`)).json();
    expect(shown).not.toHaveProperty('secret');
    expect((await api('GET', '/api/v1/webhooks')).json().items.map((e: { id: string }) => e.id)).toContain(endpoint.id);

    const paused = await api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { enabled: false, events: ['job.failed'] });
    expect(paused.json()).toMatchObject({ enabled: false, events: ['job.failed'], disabled_reason: 'disabled by the tenant' });
    expect((await api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { enabled: true })).json()).toMatchObject({ enabled: true, disabled_reason: null });

    const other = await newTenant(app);
    for (const [method, url] of [
      ['GET', `/api/v1/webhooks/${endpoint.id}`],
      ['PATCH', `/api/v1/webhooks/${endpoint.id}`],
      ['DELETE', `/api/v1/webhooks/${endpoint.id}`],
      ['POST', `/api/v1/webhooks/${endpoint.id}/rotate-secret`],
      ['POST', `/api/v1/webhooks/${endpoint.id}/test`],
      ['GET', `/api/v1/webhooks/${endpoint.id}/deliveries`],
    ] as const) {
      expect((await api(method, url, method === 'PATCH' ? { enabled: false } : undefined, other)).statusCode).toBe(404);
    }
    expect((await api('GET', '/api/v1/webhooks', undefined, other)).json().items).toEqual([]);

    for (const [body, field] of [
      [{ url: 'ftp://example.com/x', events: ['job.failed'] }, 'url'],
      [{ url: 'https://user:pw@example.com/x', events: ['job.failed'] }, 'url'],
      [{ url: 'not a url', events: ['job.failed'] }, 'url'],
      [{ url: 'https://example.com/x', events: [] }, 'events'],
      [{ url: 'https://example.com/x', events: ['job.exploded'] }, 'events'],
      [{ url: 'https://example.com/x' }, 'events'],
      [{ url: 'https://example.com/x', events: ['job.failed'], secret: 'mine' }, 'secret'],
    ] as const) {
      const refused = await api('POST', '/api/v1/webhooks', body);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    for (const field of ['url', 'events', 'enabled']) {
      const refused = await api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { [field]: null });
      expect([field, refused.statusCode]).toEqual([field, 400]);
      expect(refused.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api('GET', '/api/v1/webhooks/not-a-uuid')).statusCode).toBe(400);
    expect((await api('GET', '/api/v1/webhooks/00000000-0000-4000-8000-000000000000/deliveries?limit=0')).statusCode).toBe(400);

    const readOnly = await app.inject({
      method: 'GET',
      url: '/api/v1/webhooks',
      headers: { authorization: `Bearer ${(await newKeyWith(['jobs:read'])).key}` },
    });
    expect(readOnly.statusCode).toBe(403);

    expect((await removeEndpoint(endpoint.id)).statusCode).toBe(204);
    expect((await api('GET', `/api/v1/webhooks/${endpoint.id}`)).statusCode).toBe(404);
  });

  const newKeyWith = async (scopes: string[]) => {
    const { newKey } = await import('../testing/tenant-kit');
    return newKey(app, tenant.id, { scopes });
  };

  it('delivers job.started and job.succeeded with signatures that standardwebhooks verifies, data as GET shows the job', async () => {
    const endpoint = await createEndpoint(['job.started', 'job.succeeded']);
    const jobId = await createJob();
    await runToSuccess(jobId);
    await waitFor(() => receiver.received.length >= 2, 15_000, 'two deliveries');
    const verifier = new Webhook(endpoint.secret);
    for (const received of receiver.received) {
      expect(() => verifier.verify(received.body, signatureHeaders(received))).not.toThrow();
      expect(received.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    }
    const bodies = receiver.received.map(bodyOf);
    expect(bodies.map((b) => b.type).sort()).toEqual(['job.started', 'job.succeeded']);
    const started = bodies.find((b) => b.type === 'job.started')!;
    expect(started.data).toMatchObject({ id: jobId, status: 'running', attempts: 1 });
    const succeeded = bodies.find((b) => b.type === 'job.succeeded')!;
    const job = (await api('GET', `/api/v1/jobs/${jobId}`)).json();
    expect(succeeded.data).toEqual(job);
    expect(Date.parse(succeeded.timestamp)).toBeLessThanOrEqual(Date.now());
    // A tampered body or another secret fails verification.
    const [first] = receiver.received;
    expect(() => verifier.verify(first.body.replace('job.', 'jab.'), signatureHeaders(first))).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(first.body, signatureHeaders(first))).toThrow();
    await waitFor(async () =>
      (await deliveries(endpoint.id)).every((d) => d.status === 'succeeded' && d.attempts === 1 && d.last_status_code === 204),
    );
    await removeEndpoint(endpoint.id);
  });

  it('writes the outbox in the transition’s transaction: an API cancel delivers job.cancelled, a rolled-back transition nothing', async () => {
    const endpoint = await createEndpoint(['job.cancelled', 'job.started']);
    const jobId = await createJob();
    expect((await api('DELETE', `/api/v1/jobs/${jobId}`)).statusCode).toBe(200);
    await waitFor(() => receiver.received.some((r) => bodyOf(r).type === 'job.cancelled'), 15_000, 'job.cancelled');
    expect(bodyOf(receiver.received[0]).data).toMatchObject({ id: jobId, status: 'cancelled' });

    const other = await createJob();
    const dataSource = app.get(DataSource);
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(`UPDATE jobs SET status = 'running' WHERE id = $1`, [other]);
        await manager.query(
          `INSERT INTO job_events (job_id, from_status, to_status, attempt, actor, at) VALUES ($1, 'queued', 'running', 1, 'worker', now())`,
          [other],
        );
        const pending = await manager.query(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND event_type = 'job.started'`,
          [endpoint.id],
        );
        expect(pending[0].n).toBe(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await deliveries(endpoint.id)).map((d) => d.event_type)).toEqual(['job.cancelled']);
    await removeEndpoint(endpoint.id);
  });

  it('retries with growing gaps while the receiver fails or is down, then delivers every event at least once', async () => {
    const endpoint = await createEndpoint(['job.succeeded']);
    receiver.mode = { status: 503 };
    const jobIds: string[] = [];
    for (let i = 0; i < 10; i++) jobIds.push(await createJob());
    for (const id of jobIds) await runToSuccess(id);
    // Failing answers first (so the gaps can be seen), then no receiver at all, then up again.
    const arrivalsOf = () => {
      const byMessage = new Map<string, ReceivedWebhook[]>();
      for (const r of receiver.received) byMessage.set(r.headers['webhook-id'], [...(byMessage.get(r.headers['webhook-id']) ?? []), r]);
      return byMessage;
    };
    await waitFor(
      () => arrivalsOf().size === 10 && [...arrivalsOf().values()].every((list) => list.length >= 3),
      20_000,
      'three failed attempts each',
    );
    await receiver.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    receiver.mode = { status: 200 };
    await receiver.start();
    await waitFor(async () => (await deliveries(endpoint.id)).every((d) => d.status === 'succeeded'), 30_000, 'all delivered');

    // Every job's event accepted by the receiver; a message accepted more than once is a duplicate (allowed: at least once).
    const accepted = new Map<string, number>();
    for (const received of receiver.received.filter((r) => r.answered === 200)) {
      const jobId = (bodyOf(received).data as { id: string }).id;
      accepted.set(jobId, (accepted.get(jobId) ?? 0) + 1);
    }
    const lost = jobIds.filter((id) => !accepted.has(id)).length;
    const duplicated = [...accepted.values()].reduce((sum, n) => sum + n - 1, 0);
    console.log(`webhooks: sent ${jobIds.length}, delivered ${accepted.size}, lost ${lost}, duplicated ${duplicated} (at-least-once)`);
    expect(lost).toBe(0);
    expect([...accepted.keys()].sort()).toEqual([...jobIds].sort());
    // The first gaps between one message's failed attempts grow (200 ms, then 1 s, each +/-10%).
    for (const list of arrivalsOf().values()) {
      const [a, b, c] = list.map((r) => r.at);
      expect(c - b).toBeGreaterThan(b - a);
    }
    const rows = await deliveries(endpoint.id);
    expect(rows.every((d) => d.attempts >= 3 && d.last_status_code === 200 && d.next_attempt_at === null)).toBe(true);
    await removeEndpoint(endpoint.id);
  });

  it('a 410 Gone disables the endpoint and says why; later events make no deliveries', async () => {
    const endpoint = await createEndpoint(['job.started']);
    receiver.mode = { status: 410 };
    const jobId = await createJob();
    await publish({ type: 'started', jobId, attempt: 1, at: now() });
    const shown = await waitFor(async () => {
      const view = (await api('GET', `/api/v1/webhooks/${endpoint.id}`)).json();
      return view.enabled === false && view;
    });
    expect(shown.disabled_reason).toMatch(/410/);
    expect(await deliveries(endpoint.id)).toMatchObject([{ status: 'failed', attempts: 1, last_status_code: 410 }]);
    const later = await createJob();
    await publish({ type: 'started', jobId: later, attempt: 1, at: now() });
    await waitFor(async () => (await api('GET', `/api/v1/jobs/${later}`)).json().status === 'running');
    expect(await deliveries(endpoint.id)).toHaveLength(1);
    expect((await api('POST', `/api/v1/webhooks/${endpoint.id}/test`)).statusCode).toBe(409);
    await removeEndpoint(endpoint.id);
  });

  it('does not retry a 4xx other than 408/429; a hanging receiver times out and is retried; a huge answer is read 4 KiB at most', async () => {
    const endpoint = await createEndpoint(['job.started']);
    receiver.mode = { status: 400 };
    await publish({ type: 'started', jobId: await createJob(), attempt: 1, at: now() });
    await waitFor(async () => (await deliveries(endpoint.id))[0]?.status === 'failed', 15_000, 'failed at once');
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ attempts: 1, last_status_code: 400, last_error: 'HTTP 400: nope' });

    receiver.mode = 'hang';
    await publish({ type: 'started', jobId: await createJob(), attempt: 1, at: now() });
    await waitFor(async () => /timeout/.test((await deliveries(endpoint.id))[0]?.last_error ?? ''), 15_000, 'timed out');
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'pending', last_status_code: null });

    receiver.mode = 'endless-body';
    await waitFor(async () => (await deliveries(endpoint.id))[0]?.status === 'succeeded', 15_000, 'the endless answer counts as delivered');
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ last_status_code: 200, last_error: null });
    await removeEndpoint(endpoint.id);
  });

  it('sends a test event, redelivers the same message, and signs with both secrets after a rotation', async () => {
    const endpoint = await createEndpoint(['job.failed']);
    const queued = await api('POST', `/api/v1/webhooks/${endpoint.id}/test`);
    expect(queued.statusCode).toBe(202);
    await waitFor(() => receiver.received.length === 1);
    expect(bodyOf(receiver.received[0])).toMatchObject({ type: 'webhook.test', data: { endpoint_id: endpoint.id } });

    const rotated = (await api('POST', `/api/v1/webhooks/${endpoint.id}/rotate-secret`)).json();
    expect(rotated.secret).not.toBe(endpoint.secret);
    const again = await api('POST', `/api/v1/webhooks/${endpoint.id}/deliveries/${queued.json().id}/redeliver`);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ message_id: queued.json().message_id, status: 'pending', attempts: 0 });
    await waitFor(() => receiver.received.length === 2);
    const [first, second] = receiver.received;
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    expect(second.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(rotated.secret).verify(second.body, signatureHeaders(second))).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(second.body, signatureHeaders(second))).not.toThrow();

    expect((await api('POST', `/api/v1/webhooks/${endpoint.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`)).statusCode).toBe(404);
    const list = await api('GET', `/api/v1/webhooks/${endpoint.id}/deliveries?limit=1&offset=1`);
    expect(list.json()).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ id: queued.json().id }] });
    await removeEndpoint(endpoint.id);
  });
});
