import type IORedis from 'ioredis';
import pino from 'pino';
import { createRedis, openRedis } from '@validahub/jobs-queueing';
import { startPrivateRedisCluster, TEST_REDIS_URL } from '@validahub/testing';
import { checkEvictionPolicy } from './redis-checks';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

describe('checkEvictionPolicy', () => {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  beforeEach(() => (lines.length = 0));

  it('reads the policy of the real Redis and warns only when it is not noeviction', async () => {
    const redis = createRedis(TEST_REDIS_URL, 'worker');
    try {
      const policy = await checkEvictionPolicy(redis, logger);
      expect(typeof policy).toBe('string');
      const warnings = lines.filter((l) => l.level === 40);
      expect(warnings).toHaveLength(policy === 'noeviction' ? 0 : 1);
    } finally {
      await redis.quit();
    }
  });

  it('warns about an evicting policy', async () => {
    const fake = { config: async () => ['maxmemory-policy', 'allkeys-lru'] } as unknown as IORedis;
    expect(await checkEvictionPolicy(fake, logger)).toBe('allkeys-lru');
    expect(lines.find((l) => l.level === 40)?.msg).toMatch(/allkeys-lru.*noeviction/);
  });

  it('tolerates CONFIG being disabled (managed Redis)', async () => {
    const fake = { config: async () => Promise.reject(new Error("ERR unknown command 'CONFIG'")) } as unknown as IORedis;
    expect(await checkEvictionPolicy(fake, logger)).toBeNull();
    expect(lines.some((l) => /noeviction/.test(l.msg))).toBe(true);
  });

  it('asks every master of a cluster and reports the one that evicts', async () => {
    const cluster = await startPrivateRedisCluster();
    const redis = openRedis({ redisUrl: '', redisCluster: { nodes: [{ host: '127.0.0.1', port: cluster.ports[0] }], tls: false } }, 'worker');
    try {
      expect(await checkEvictionPolicy(redis, logger)).toBe('noeviction');
      expect(lines.filter((l) => l.level === 40)).toHaveLength(0);
      // The node given as seed is fine; another master evicts.
      const other = createRedis(`redis://127.0.0.1:${cluster.ports[2]}/0`, 'worker');
      await other.config('SET', 'maxmemory-policy', 'volatile-lru');
      other.disconnect();
      expect(await checkEvictionPolicy(redis, logger)).toBe('volatile-lru');
      expect(lines.find((l) => l.level === 40)?.msg).toMatch(/volatile-lru.*noeviction/);
    } finally {
      redis.disconnect();
      await cluster.stop();
    }
  });
});
