import { randomUUID } from 'node:crypto';
import type { JobPayload, Plan } from '@validahub/jobs-domain';
import { TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@validahub/testing';
import { subscribeArrivals } from './arrivals-channel';
import { JobQueues } from './job-queues';
import { arrivalsChannel } from './keys';
import { createRedis, RedisClient } from './redis-connection';

const payload = (plan: Plan): JobPayload => ({
  jobId: randomUUID(),
  task: 'noop_job',
  params: {},
  plan,
  correlationId: `corr-${randomUUID()}`,
  maxAttempts: 1,
  timeLimitSeconds: 30,
  expiresAt: null,
});

/** Enqueues announce themselves on their plan's arrivals channel, which parked worker slots listen to. */
describe('job arrivals (real Redis)', () => {
  const prefix = uniqueQueuePrefix('arrivals');
  const connections: RedisClient[] = [];
  let queues: JobQueues;
  let received: Array<[Plan, number]>;
  let unsubscribe: () => Promise<void>;

  beforeAll(async () => {
    queues = JobQueues.forTarget({ redisUrl: TEST_REDIS_URL, redisCluster: undefined }, prefix);
    const subscriber = createRedis(TEST_REDIS_URL, 'worker');
    connections.push(subscriber, createRedis(TEST_REDIS_URL, 'producer'));
    received = [];
    unsubscribe = await subscribeArrivals(subscriber, prefix, ['pro', 'business'], (plan, count) => received.push([plan, count]));
  });
  afterAll(async () => {
    await unsubscribe();
    await Promise.all(queues.all().map((queue) => queue.obliterate({ force: true })));
    await queues.close();
    await Promise.all(connections.map((connection) => connection.quit()));
  });
  beforeEach(() => (received = []));

  it('announces each plan of an addBulk once, with how many jobs it added, after they are on the queue', async () => {
    await queues.enqueueMany([
      { payload: payload('pro'), options: { priority: 5 } },
      { payload: payload('pro'), options: { priority: 5 } },
      { payload: payload('pro'), options: { priority: 5 } },
      { payload: payload('business'), options: { priority: 5 } },
    ]);
    await waitFor(() => received.length === 2, 5_000, 'two announcements');
    expect(received.sort()).toEqual([
      ['business', 1],
      ['pro', 3],
    ]);
    expect(await queues.queue('pro').getJobCountByTypes('prioritized')).toBe(3);

    await queues.enqueue(payload('business'), { priority: 5 });
    await waitFor(() => received.length === 3, 5_000, 'the single enqueue announced');
    expect(received[2]).toEqual(['business', 1]);
  });

  it('ignores plans it did not subscribe to, and reads a malformed count as one job', async () => {
    await queues.enqueue(payload('free'), { priority: 5 });
    const publisher = connections[1];
    await publisher.publish(arrivalsChannel(prefix, 'pro'), 'not a number');
    await publisher.publish(arrivalsChannel(prefix, 'pro'), '-4');
    await waitFor(() => received.length === 2, 5_000, 'the two malformed announcements');
    expect(received).toEqual([
      ['pro', 1],
      ['pro', 1],
    ]);
  });
});
