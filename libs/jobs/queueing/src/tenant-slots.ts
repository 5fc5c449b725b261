import type { RedisClient } from './redis-connection';
import type { Plan } from '@validahub/jobs-domain';
import { issueInOneWrite } from './one-write';

/** The sorted set of one tenant's running attempts in one tier: member = run, score = lease expiry (ms, Redis clock). */
export const tenantSlotsKey = (prefix: string, plan: Plan, tenantId: string) => `${prefix}:running:${plan}:${tenantId}`;

// Drops expired leases, then grants one when the run already holds it or the set is below the
// limit. Redis's own clock (TIME) judges expiry, so workers whose clocks disagree still agree
// on when a dead worker's slot comes back. Answers [granted 1/0, leases held after the call].
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local ttl = tonumber(ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, redis.call('ZCARD', KEYS[1])}
end
return {0, redis.call('ZCARD', KEYS[1])}
`;

// Pushes one running attempt's lease expiry, on the same (Redis) clock.
const RENEW = `
local t = redis.call('TIME')
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

type SlotRedis = RedisClient & {
  takeTenantSlot(key: string, run: string, limit: number, ttlMs: number): Promise<[number, number]>;
  renewTenantSlot(key: string, run: string, ttlMs: number): Promise<number>;
};

/** A granted slot: give it back when the attempt ends, however it ends. */
export interface SlotLease {
  /** Gives the slot back; once given back, later calls do nothing. */
  release(): Promise<void>;
  /**
   * Issues `write` and the release together, in one socket write, `write` first: Redis runs
   * them in that order, so the slot comes free only after `write`'s command (the attempt's
   * last event) ran. `write` must send its command on the slots' own connection.
   */
  releaseAfter<T>(write: () => Promise<T>): { written: Promise<T>; released: Promise<void> };
}

/**
 * "Running at once" per tenant within a tier, across every worker replica: a counting
 * semaphore in Redis, one sorted set per tenant and tier whose members are the running
 * attempts and whose scores are when their leases expire. A worker takes a slot before it
 * starts an attempt and gives it back after; while the attempt runs, one timer renews every
 * lease this process holds (one round trip for all of them). A worker that dies without giving
 * its slots back (SIGKILL, lost host) loses them when the leases expire, `leaseMs` after the
 * last renewal. Redis data lost: the slots are empty, running attempts re-add theirs on the
 * next renewal, and the jobs the reconciler re-enqueues take slots like any other.
 */
export class TenantSlots {
  private readonly redis: SlotRedis;
  private readonly held = new Map<string, string>();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
    /** How long a slot outlives its holder's last renewal; renewed every third of it. */
    readonly leaseMs: number,
    private readonly onRenewError: (error: unknown) => void = () => undefined,
  ) {
    this.redis = redis as SlotRedis;
    if (!this.redis.takeTenantSlot) {
      this.redis.defineCommand('takeTenantSlot', { numberOfKeys: 1, lua: TAKE });
      this.redis.defineCommand('renewTenantSlot', { numberOfKeys: 1, lua: RENEW });
    }
    this.renewal = setInterval(() => void this.renew().catch(this.onRenewError), Math.max(1, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }

  /** Takes one of the tenant's `limit` slots in `plan` for run `runId`; undefined when all are taken. */
  async take(plan: Plan, tenantId: string, runId: string, limit: number): Promise<SlotLease | undefined> {
    const key = tenantSlotsKey(this.prefix, plan, tenantId);
    const [granted] = await this.redis.takeTenantSlot(key, runId, limit, this.leaseMs);
    if (granted !== 1) return undefined;
    const member = `${key}\n${runId}`;
    this.held.set(member, key);
    let given = false;
    const giveBack = async () => {
      if (given) return;
      given = true;
      this.held.delete(member);
      await this.redis.zrem(key, runId);
    };
    return {
      release: giveBack,
      releaseAfter: (write) => issueInOneWrite(this.redis, () => ({ written: write(), released: giveBack() })),
    };
  }

  /** How many slots of the tenant are taken now (expired leases not counted). */
  async taken(plan: Plan, tenantId: string): Promise<number> {
    const time = await this.redis.time();
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    return this.redis.zcount(tenantSlotsKey(this.prefix, plan, tenantId), `(${now}`, '+inf');
  }

  /**
   * Renews every lease this process holds now (the timer calls it; public for tests): one
   * command per lease, written together (one key each, so a sharded Redis takes them too).
   * Re-adding a lease that vanished (Redis lost its data, or it expired while Redis was out of
   * reach) is deliberate: the attempt is real and counts again, even if that briefly puts the
   * tenant over its limit.
   */
  async renew(): Promise<void> {
    await Promise.all([...this.held].map(([member, key]) => this.redis.renewTenantSlot(key, member.slice(key.length + 1), this.leaseMs)));
  }

  /** Stops renewing; leases still held expire on their own. */
  close(): void {
    clearInterval(this.renewal);
  }
}
