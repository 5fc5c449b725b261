import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jobEventsDeadLetterKey, jobEventsStreamKey } from '@validahub/jobs-queueing';
import { poisonedEventBatch } from '@validahub/jobs-queueing/testing';
import { createGatewayHarness, GatewayHarness, TEST_METRICS_TOKEN, waitFor } from '../testing/gateway-harness';

jest.setTimeout(30_000);

// A poison event (see `poisonedEventBatch`) must not hold up the events behind it.
describe('event applier: an event Postgres refuses', () => {
  let harness: GatewayHarness;
  let api: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('deadletter', { ENABLE_TEST_TASKS: 'true' });
    api = await harness.start({ eventApplier: false });
  });
  afterAll(() => harness?.close());

  const createJob = async (): Promise<string> =>
    (await api.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task: 'noop_job', params: {}, plan: 'pro' } })).json().id;
  const job = async (id: string) => (await api.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json();

  it('is dead-lettered with its error, counted and logged; the events around it, in the same batch, are applied', async () => {
    const [a, poisoned, c] = [await createJob(), await createJob(), await createJob()];
    const { poison, events } = poisonedEventBatch({ a, poisoned, c });
    // Published before the applier starts: it reads all of them as one batch.
    for (const event of events) await harness.publisher.publish(event);
    const applier = await harness.start();

    await waitFor(async () => (await harness.redis.xlen(jobEventsStreamKey(harness.prefix))) === 0, 15_000, 'stream drained');
    expect(await job(a)).toMatchObject({ status: 'succeeded', summary: { ok: true } });
    expect(await job(c)).toMatchObject({ status: 'succeeded', summary: { ok: true } });
    expect(await job(poisoned)).toMatchObject({ status: 'running', attempts: 1, error: null });

    const dead = (await harness.redis.xrange(jobEventsDeadLetterKey(harness.prefix), '-', '+')) as [string, string[]][];
    expect(dead).toHaveLength(1);
    const fields = Object.fromEntries(dead[0][1].flatMap((value, i, all) => (i % 2 ? [] : [[value, all[i + 1]]])));
    expect(JSON.parse(fields.event)).toEqual(poison);
    expect(fields.entry_id).toMatch(/^\d+-\d+$/);
    expect(fields.error).toMatch(/^22P05: |^22021: /);
    expect(Date.parse(fields.at)).not.toBeNaN();

    const metrics = (await applier.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })).body;
    expect(metrics).toMatch(/^validahub_events_dead_lettered_total\{type="failed",service="gateway"\} 1$/m);
    // Nothing is left pending for the group either: the applier moved on for good.
    const pending = (await harness.redis.xpending(jobEventsStreamKey(harness.prefix), 'gateway')) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
  });
});
