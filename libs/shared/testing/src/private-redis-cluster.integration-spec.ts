import { Cluster } from 'ioredis';
import { portOpen } from './ports';
import { startPrivateRedisCluster } from './private-redis-cluster';

describe('private Redis Cluster', () => {
  it('starts three masters that share all 16384 slots, and removes them all on stop', async () => {
    const cluster = await startPrivateRedisCluster();
    const client = new Cluster(cluster.nodes.split(',').map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })));
    try {
      expect(cluster.ports).toHaveLength(3);
      const shards = (await client.cluster('SHARDS')) as unknown[];
      expect(shards).toHaveLength(3);
      const slots = (await client.cluster('SLOTS')) as [number, number, ...unknown[]][];
      expect(slots.reduce((sum, [from, to]) => sum + to - from + 1, 0)).toBe(16_384);
      // Keys on different slots land on different masters and still read back through one client.
      await client.set('a', '1');
      await client.set('b', '2');
      await client.set('c', '3');
      expect(await Promise.all(['a', 'b', 'c'].map((key) => client.get(key)))).toEqual(['1', '2', '3']);
      await expect(client.mget('a', 'b')).rejects.toThrow(/CROSSSLOT/);
    } finally {
      client.disconnect();
      await cluster.stop();
    }
    for (const port of cluster.ports) expect(await portOpen(port)).toBe(false);
  }, 60_000);
});
