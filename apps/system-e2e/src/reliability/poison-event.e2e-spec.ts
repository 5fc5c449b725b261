import IORedis from 'ioredis';
import { JobEventPublisher, jobEventsDeadLetterKey, jobEventsStreamKey } from '@validahub/jobs-queueing';
import { poisonedEventBatch } from '@validahub/jobs-queueing/testing';
import { waitFor } from '@validahub/testing';
import { SYSTEM_METRICS_TOKEN, TestSystem } from '../support/system';

// A worker event Postgres refuses, sent to a running gateway process: it is dead-lettered with
// its error and counted, and every event behind it is applied.
describe('reliability: a poison event does not block the event applier', () => {
  let system: TestSystem;
  let redis: IORedis;

  beforeAll(async () => {
    system = await TestSystem.create({ label: 'poison' });
    redis = new IORedis(system.redisUrl);
    await system.startGateway();
  });
  afterAll(async () => {
    redis?.disconnect();
    await system?.stop();
  });

  it('dead-letters the event Postgres refuses and applies the events behind it', async () => {
    // No worker: the jobs stay queued until the events below (as a worker would send them) arrive.
    const [a, poisoned, c] = [
      await system.api.createJob('noop_job', {}, 'pro'),
      await system.api.createJob('noop_job', {}, 'pro'),
      await system.api.createJob('noop_job', {}, 'pro'),
    ].map((j) => j.id);
    const { poison, events } = poisonedEventBatch({ a, poisoned, c });
    const publisher = new JobEventPublisher(redis, system.prefix);
    for (const event of events) await publisher.publish(event);

    await waitFor(async () => (await system.api.job(c)).status === 'succeeded', 20_000, 'the last event applied');
    expect(await system.api.job(a)).toMatchObject({ status: 'succeeded' });
    expect(await system.api.job(poisoned)).toMatchObject({ status: 'running', error: null });
    await waitFor(async () => (await redis.xlen(jobEventsStreamKey(system.prefix))) === 0, 10_000, 'stream drained');

    const dead = (await redis.xrange(jobEventsDeadLetterKey(system.prefix), '-', '+')) as [string, string[]][];
    expect(dead).toHaveLength(1);
    const fields = dead[0][1];
    expect(JSON.parse(fields[fields.indexOf('event') + 1])).toEqual(poison);
    expect(fields[fields.indexOf('error') + 1]).toMatch(/^22(P05|021): /);
    const metrics = await (await fetch(`${system.api.baseUrl}/metrics`, { headers: { authorization: `Bearer ${SYSTEM_METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/^validahub_events_dead_lettered_total\{type="failed"[^}]*\} 1$/m);
    // Log lines reach stdout through a buffer flushed at least once a second.
    await waitFor(() => system.gateway!.output().includes('moved it to the dead-letter stream'), 5_000, 'the dead-letter log line');
  });
});
