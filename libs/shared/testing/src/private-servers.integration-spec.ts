import { Client } from 'pg';
import IORedis from 'ioredis';
import { startPrivatePostgres, startPrivateRedis } from './private-servers';
import { portOpen } from './ports';

describe('private servers for fault injection', () => {
  it('starts, stops and restarts a Redis of its own', async () => {
    const redis = await startPrivateRedis();
    const client = new IORedis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    client.disconnect();
    await redis.stop();
    expect(await portOpen(redis.port)).toBe(false);
    await redis.start();
    expect(await portOpen(redis.port)).toBe(true);
    await redis.stop();
  });

  it('starts, stops and restarts a Postgres cluster of its own', async () => {
    const pg = await startPrivatePostgres();
    try {
      const query = async () => {
        const client = new Client({ connectionString: pg.url });
        await client.connect();
        const { rows } = await client.query('select 1 as one');
        await client.end();
        return rows[0].one;
      };
      expect(await query()).toBe(1);
      await pg.stop();
      await expect(query()).rejects.toThrow();
      await pg.start();
      expect(await query()).toBe(1);
    } finally {
      await pg.destroy();
    }
  }, 60_000);
});
