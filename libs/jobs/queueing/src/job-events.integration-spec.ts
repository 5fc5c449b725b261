import IORedis from 'ioredis';
import { JobEvent } from '@validahub/jobs-domain';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@validahub/testing';
import { createRedis } from './redis-connection';
import { JobEventPublisher } from './job-event-publisher';
import { JobEventConsumer } from './job-event-consumer';
import { jobEventsStreamKey } from './keys';

const id = '550e8400-e29b-41d4-a716-446655440000';
const started = (attempt: number): JobEvent => ({ type: 'started', jobId: id, attempt, at: new Date().toISOString() });

describe('job event stream', () => {
  const prefix = uniqueQueuePrefix('events');
  const connections: IORedis[] = [];
  // Consumers may start before their connection is ready (they queue); producers need it ready.
  const redis = () => {
    const c = createRedis(TEST_REDIS_URL, 'worker');
    connections.push(c);
    return c;
  };

  afterAll(async () => {
    const admin = redis();
    await admin.del(jobEventsStreamKey(prefix));
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('delivers each event once, in order, and deletes it after the handler succeeded', async () => {
    const publisher = new JobEventPublisher(redis(), prefix);
    const seen: number[] = [];
    const consumer = new JobEventConsumer(redis(), { prefix, consumerName: 'a', blockMs: 100 });
    consumer.start(async (event) => {
      seen.push(event.attempt);
    });
    for (let i = 1; i <= 5; i++) await publisher.publish(started(i));
    await waitFor(() => seen.length === 5);
    await consumer.stop();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(await redis().xlen(jobEventsStreamKey(prefix))).toBe(0);
  });

  it('with lingerMs, reads the first event of a quiet spell alone and lets the ones after a small batch gather', async () => {
    const lingerPrefix = uniqueQueuePrefix('linger');
    const publisher = new JobEventPublisher(redis(), lingerPrefix);
    const batches: number[][] = [];
    const consumer = new JobEventConsumer(redis(), { prefix: lingerPrefix, consumerName: 'l', blockMs: 100, lingerMs: 400 });
    consumer.startBatches(async (batch) => {
      batches.push(batch.map(({ event }) => event.attempt));
    });
    await new Promise((resolve) => setTimeout(resolve, 150)); // the consumer is waiting in its blocking read
    await publisher.publish(started(1));
    await waitFor(() => batches.length === 1);
    // Published while the consumer lingers after its batch of one: they come as one batch.
    for (let i = 2; i <= 6; i++) await publisher.publish(started(i));
    await waitFor(() => batches.flat().length === 6);
    await consumer.stop();
    expect(batches).toEqual([[1], [2, 3, 4, 5, 6]]);
    await redis().del(jobEventsStreamKey(lingerPrefix));
  });

  it('keeps an event pending while the handler fails and applies it on a later try', async () => {
    const publisher = new JobEventPublisher(redis(), prefix);
    let calls = 0;
    const consumer = new JobEventConsumer(redis(), { prefix, consumerName: 'b', blockMs: 100 });
    consumer.start(async () => {
      calls += 1;
      if (calls < 3) throw new Error('postgres down');
    });
    await publisher.publish(started(1));
    await waitFor(() => calls >= 3, 10_000);
    await consumer.stop();
    expect(await redis().xlen(jobEventsStreamKey(prefix))).toBe(0);
  });

  it('hands the entries of a consumer that died to another one', async () => {
    const publisher = new JobEventPublisher(redis(), prefix);
    const dying = new JobEventConsumer(redis(), { prefix, consumerName: 'dying', blockMs: 100 });
    dying.start(async () => {
      throw new Error('crash before ack');
    });
    await publisher.publish(started(7));
    await waitFor(async () => ((await redis().xpending(jobEventsStreamKey(prefix), 'gateway')) as [number])[0] === 1);
    await dying.stop();
    const seen: number[] = [];
    const heir = new JobEventConsumer(redis(), { prefix, consumerName: 'heir', blockMs: 100, claimIdleMs: 200 });
    heir.start(async (event) => {
      seen.push(event.attempt);
    });
    await waitFor(() => seen.includes(7), 10_000);
    await heir.stop();
  });

  it('drops malformed entries instead of blocking the stream', async () => {
    const producer = redis();
    await producer.xadd(jobEventsStreamKey(prefix), '*', 'event', '{not json');
    await producer.xadd(jobEventsStreamKey(prefix), '*', 'event', JSON.stringify({ type: 'started', jobId: 'x' }));
    const publisher = new JobEventPublisher(producer, prefix);
    await publisher.publish(started(9));
    const seen: number[] = [];
    const consumer = new JobEventConsumer(redis(), { prefix, consumerName: 'c', blockMs: 100 });
    consumer.start(async (event) => {
      seen.push(event.attempt);
    });
    await waitFor(() => seen.includes(9));
    await consumer.stop();
    expect(seen).toEqual([9]);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
}
