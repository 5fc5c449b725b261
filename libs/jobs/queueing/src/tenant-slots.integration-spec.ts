import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@validahub/testing';
import { createRedis } from './redis-connection';
import { SlotLease, TenantSlots, tenantSlotsKey } from './tenant-slots';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The running-at-once semaphore against a real Redis, as several worker processes would use it. */
describe('TenantSlots (real Redis)', () => {
  const prefix = uniqueQueuePrefix('slots');
  const connections: IORedis[] = [];
  const slotSets: TenantSlots[] = [];
  /** One "worker process": its own connection and its own renewal timer. */
  const worker = (leaseMs = 30_000) => {
    const connection = createRedis(TEST_REDIS_URL, 'worker');
    connections.push(connection);
    const slots = new TenantSlots(connection, prefix, leaseMs);
    slotSets.push(slots);
    return slots;
  };

  afterAll(async () => {
    for (const slots of slotSets) slots.close();
    const keys = await connections[0].keys(`${prefix}:running:*`);
    if (keys.length) await connections[0].del(...keys);
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('grants exactly the limit to 60 racing takes from 6 processes, and a released slot goes to the next taker', async () => {
    const tenant = randomUUID();
    const workers = Array.from({ length: 6 }, () => worker());
    const leases = await Promise.all(Array.from({ length: 60 }, (_, i) => workers[i % workers.length].take('pro', tenant, `run-${i}`, 3)));
    const granted = leases.filter((lease): lease is SlotLease => lease !== undefined);
    expect(granted).toHaveLength(3);
    expect(await workers[0].taken('pro', tenant)).toBe(3);
    // Another tenant, and the same tenant in another tier, have slots of their own.
    expect(await workers[1].take('pro', randomUUID(), 'other-tenant', 3)).toBeDefined();
    expect(await workers[1].take('business', tenant, 'other-tier', 3)).toBeDefined();

    expect(await workers[2].take('pro', tenant, 'late', 3)).toBeUndefined();
    await granted[0].release();
    expect(await workers[2].take('pro', tenant, 'late', 3)).toBeDefined();
    expect(await workers[3].take('pro', tenant, 'later', 3)).toBeUndefined();
  });

  it('releaseAfter: the write runs while the slot is still held, then the slot is free; a later release does nothing', async () => {
    const tenant = randomUUID();
    const slots = worker();
    const connection = connections[connections.length - 1];
    const lease = await slots.take('pro', tenant, 'last-event', 1);
    const other = await slots.take('pro', tenant, 'other', 2);
    expect(other).toBeDefined();
    // The "last event" here reads how many slots are held when Redis runs it: the release comes after.
    const { written, released } = lease!.releaseAfter(() => connection.zcard(tenantSlotsKey(prefix, 'pro', tenant)));
    expect(await written).toBe(2);
    await released;
    expect(await slots.taken('pro', tenant)).toBe(1);
    await lease!.release();
    expect(await slots.taken('pro', tenant)).toBe(1);
    // A write that fails still lets the slot go.
    const { written: failing, released: stillReleased } = other!.releaseAfter(() =>
      connection.xadd(`${prefix}:running:not-a-stream`, 'bad-id', 'f', 'v'),
    );
    await expect(failing).rejects.toThrow();
    await stillReleased;
    expect(await slots.taken('pro', tenant)).toBe(0);
  });

  it("gives a killed holder's slot back once its lease expires, while a live holder keeps renewing its own", async () => {
    const tenant = randomUUID();
    const leaseMs = 600;
    const killed = worker(leaseMs);
    const alive = worker(leaseMs);
    expect(await killed.take('pro', tenant, 'killed-run', 2)).toBeDefined();
    expect(await alive.take('pro', tenant, 'alive-run', 2)).toBeDefined();
    killed.close(); // as SIGKILL would: no release, no more renewals
    const other = worker(leaseMs);
    expect(await other.take('pro', tenant, 'waiting-run', 2)).toBeUndefined();

    await sleep(leaseMs * 2);
    // Past two lease lengths: the killed holder's slot is back, the renewed one still held.
    expect(await other.take('pro', tenant, 'waiting-run', 2)).toBeDefined();
    expect(await other.take('pro', tenant, 'one-too-many', 2)).toBeUndefined();
  });

  it('counts running attempts again after Redis lost the slots (a renewal re-adds them)', async () => {
    const tenant = randomUUID();
    const slots = worker(30_000);
    expect(await slots.take('pro', tenant, 'run-1', 1)).toBeDefined();
    await connections[0].del(`${prefix}:running:pro:${tenant}`);
    expect(await slots.taken('pro', tenant)).toBe(0);
    await slots.renew();
    expect(await slots.taken('pro', tenant)).toBe(1);
    expect(await worker().take('pro', tenant, 'run-2', 1)).toBeUndefined();
  });

  it('costs one round trip to take and one to give back (measured)', async () => {
    const slots = worker();
    const tenant = randomUUID();
    const rounds = 500;
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) {
      const lease = await slots.take('pro', tenant, `run-${i}`, 2);
      await lease!.release();
    }
    const perJobMs = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
    console.log(`tenant slots: take + release ${perJobMs.toFixed(3)} ms per job (${rounds} sequential rounds, local Redis)`);
    expect(await slots.taken('pro', tenant)).toBe(0);
  });
});
