import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppProcess, startApp } from '@validahub/testing';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { startWebhookReceiver, WebhookReceiver } from './testing/webhook-receiver';

const CHILD = 'apps/gateway/src/webhooks/testing/gateway-child.ts';

describe('a gateway SIGKILLed between the transition and the send', () => {
  let harness: GatewayHarness;
  let api: NestFastifyApplication;
  let receiver: WebhookReceiver;
  const children: AppProcess[] = [];

  beforeAll(async () => {
    harness = await createGatewayHarness('webhook-crash', { ENABLE_TEST_TASKS: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' });
    // The API replica here neither applies events nor sends: everything after the create happens in the child.
    api = await harness.start({ eventApplier: false, webhooks: { sender: false } });
    receiver = await startWebhookReceiver('hang');
  });
  afterAll(async () => {
    for (const child of children) await child.kill('SIGKILL');
    await receiver?.close();
    await harness?.close();
  });

  const startChild = async () => {
    const { config } = harness;
    const child = startApp('gateway-child', CHILD, {
      DATABASE_URL: config.connections.databaseUrl,
      REDIS_URL: config.connections.redisUrl,
      QUEUE_PREFIX: harness.prefix,
      STORAGE_ROOT: harness.storageRoot,
      AUTH_MODE: 'open',
      ENABLE_TEST_TASKS: 'true',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
      TEST_GATEWAY_OPTIONS: JSON.stringify({
        reconcileIntervalMs: 0,
        docs: false,
        dashboard: false,
        webhooks: { pollIntervalMs: 50, claimLeaseMs: 2_000, attemptTimeoutMs: 60_000 },
      }),
    });
    children.push(child);
    await waitFor(() => child.output().includes('gateway-child ready') || child.child.exitCode !== null, 60_000, 'the child gateway');
    if (!child.output().includes('gateway-child ready')) throw new Error(`child gateway did not start:\n${child.output()}`);
    return child;
  };

  it('delivers after a restart: the claim lease runs out and another gateway sends it again', async () => {
    const endpoint = (
      await api.inject({ method: 'POST', url: '/api/v1/webhooks', payload: { url: receiver.url, events: ['job.succeeded'] } })
    ).json();
    const created = await api.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task: 'noop_job', params: {}, plan: 'pro' } });
    const jobId = created.json().id;
    const first = await startChild();
    const at = new Date().toISOString();
    await harness.publisher.publish({ type: 'started', jobId, attempt: 1, at });
    await harness.publisher.publish({ type: 'succeeded', jobId, attempt: 1, at, startedAt: at, resultRef: null, summary: null });

    // The child applied the transition (and its outbox row) and is now waiting on the receiver.
    await waitFor(() => receiver.received.length === 1, 30_000, 'the first attempt reaching the receiver');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const pending = (await api.inject({ method: 'GET', url: `/api/v1/webhooks/${endpoint.id}/deliveries` })).json().items;
    expect(pending).toMatchObject([{ status: 'pending', attempts: 1, event_type: 'job.succeeded' }]);

    receiver.mode = { status: 200 };
    await startChild();
    const delivered = await waitFor(
      async () => {
        const [row] = (await api.inject({ method: 'GET', url: `/api/v1/webhooks/${endpoint.id}/deliveries` })).json().items;
        return row?.status === 'succeeded' && row;
      },
      30_000,
      'delivered after the restart',
    );
    expect(delivered).toMatchObject({ attempts: 2, last_status_code: 200 });
    // The same message both times; the receiver accepted it once.
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
    expect(JSON.parse(receiver.received[1].body).data).toMatchObject({ id: jobId, status: 'succeeded' });
  });
});
