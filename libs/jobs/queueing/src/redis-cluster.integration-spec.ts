import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { clusterKeyPrefix } from '@validahub/config';
import { JobEvent, JobPayload } from '@validahub/jobs-domain';
import { PrivateRedisCluster, startPrivateRedisCluster, uniqueQueuePrefix, waitFor } from '@validahub/testing';
import { publishCancel, subscribeCancels, CancelRequest } from './cancel-channel';
import { JobEventConsumer } from './job-event-consumer';
import { JobEventPublisher } from './job-event-publisher';
import { JobQueues } from './job-queues';
import { jobEventsDeadLetterKey, jobEventsStreamKey } from './keys';
import { bullConnectionFor, closeRedis, openRedis, RedisClient, RedisTarget } from './redis-connection';
import { TenantSlots } from './tenant-slots';

jest.setTimeout(60_000);

const payload = (plan: JobPayload['plan']): JobPayload => ({
  jobId: randomUUID(),
  task: 'noop_job',
  params: {},
  plan,
  correlationId: randomUUID(),
  maxAttempts: 1,
  timeLimitSeconds: 30,
  expiresAt: null,
});

/** The queueing pieces against a real three-master cluster, with the prefix the config gives a cluster. */
describe('queueing on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let target: RedisTarget;
  const prefix = clusterKeyPrefix(uniqueQueuePrefix('cluster'));
  const clients: RedisClient[] = [];
  const open = (role: 'worker' | 'producer' = 'worker') => {
    const client = openRedis(target, role);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster();
    target = { redisUrl: 'redis://unused:1/0', redisCluster: { nodes: [{ host: '127.0.0.1', port: cluster.ports[1] }], tls: false } };
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => closeRedis(client)));
    await cluster.stop();
  });

  it('BullMQ needs the hash tag: without it adding a job fails with CROSSSLOT, with it every plan enqueues', async () => {
    const untagged = bullConnectionFor(target, 'producer');
    const plain = new Queue('queue-pro', { connection: untagged.connection, prefix: prefix.slice(1, -1) });
    await expect(plain.add('noop_job', {}, { jobId: randomUUID() })).rejects.toThrow(/CROSSSLOT|same slot/);
    await plain.close();
    await untagged.close();

    const queues = JobQueues.forTarget(target, prefix);
    try {
      const jobs = (['free', 'pro', 'business', 'enterprise'] as const).map(payload);
      await queues.enqueueMany(jobs.map((p) => ({ payload: p, options: { priority: 5 } })));
      for (const p of jobs) expect(await (await queues.queue(p.plan).getJob(p.jobId))?.getState()).toBe('prioritized');
      expect((await queues.depths(['pro']))[0].counts.prioritized).toBe(1);
      expect(await queues.remove('pro', jobs[1].jobId)).toBe(true);
      for (const queue of queues.all()) await queue.obliterate({ force: true });
    } finally {
      await queues.close();
    }
  });

  it('worker events go through the stream to the consumer, acknowledged and deleted (multi on one key)', async () => {
    const publisher = new JobEventPublisher(open(), prefix);
    const consumer = new JobEventConsumer(open(), { prefix, consumerName: 'gw-1', blockMs: 100 });
    const seen: JobEvent[] = [];
    consumer.startBatches(async (batch) => void seen.push(...batch.map((b) => b.event)));
    const jobId = randomUUID();
    for (let attempt = 1; attempt <= 3; attempt += 1) await publisher.publish({ type: 'started', jobId, attempt, at: new Date().toISOString() });
    await waitFor(() => seen.length === 3, 10_000, 'three events');
    await consumer.stop();
    expect(seen.map((e) => e.attempt)).toEqual([1, 2, 3]);
    const redis = open();
    expect(await redis.xlen(jobEventsStreamKey(prefix))).toBe(0);
    // Both stream keys hash to one slot, so one DEL may name both.
    await redis.xadd(jobEventsDeadLetterKey(prefix), '*', 'event', '{}');
    expect(await redis.del(jobEventsStreamKey(prefix), jobEventsDeadLetterKey(prefix))).toBe(2);
  });

  it('running slots (Lua scripts) hold their limit across two worker clients', async () => {
    const [a, b] = [new TenantSlots(open(), prefix, 30_000), new TenantSlots(open(), prefix, 30_000)];
    try {
      const tenant = randomUUID();
      const leases = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take('pro', tenant, `run-${i}`, 2)));
      expect(leases.filter(Boolean)).toHaveLength(2);
      await a.renew();
      await b.renew();
      expect(await a.taken('pro', tenant)).toBe(2);
      await leases.find(Boolean)!.release();
      expect(await b.taken('pro', tenant)).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });

  it('cancel requests published through the cluster reach a subscriber (PUBLISH goes to every node)', async () => {
    const received: CancelRequest[] = [];
    const unsubscribe = await subscribeCancels(open(), prefix, (request) => received.push(request));
    const jobId = randomUUID();
    // A producer queues nothing while connecting (as on a single Redis): wait until it is ready.
    const producer = open('producer');
    await new Promise((resolve) => producer.once('ready', resolve));
    await publishCancel(producer, prefix, { jobId, reason: 'cancelled' });
    await waitFor(() => received.length === 1, 10_000, 'cancel request');
    expect(received).toEqual([{ jobId, reason: 'cancelled' }]);
    await unsubscribe();
  });
});
