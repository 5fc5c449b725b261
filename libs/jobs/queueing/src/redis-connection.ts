import IORedis, { RedisOptions } from 'ioredis';

/**
 * ioredis options from a redis:// URL. BullMQ workers need `maxRetriesPerRequest: null`
 * (blocking commands must wait out reconnects); producers fail fast instead so an API
 * request never hangs on a dead Redis.
 */
export function redisOptions(url: string, role: 'worker' | 'producer'): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  };
}

export function createRedis(url: string, role: 'worker' | 'producer', name?: string): IORedis {
  return new IORedis({ ...redisOptions(url, role), connectionName: name, lazyConnect: false });
}

/** A connection that is ready for commands (producers queue nothing while disconnected). */
export async function connectRedis(url: string, role: 'worker' | 'producer', name?: string): Promise<IORedis> {
  const redis = new IORedis({ ...redisOptions(url, role), connectionName: name, lazyConnect: true });
  await redis.connect();
  return redis;
}
