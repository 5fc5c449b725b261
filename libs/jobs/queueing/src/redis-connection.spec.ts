import IORedis, { Cluster } from 'ioredis';
import { loadConfig } from '@validahub/config';
import { bullConnectionFor, openRedis } from './redis-connection';

const single = loadConfig({ REDIS_URL: 'rediss://app:pw@redis.internal:6380/2' }).connections;
const cluster = loadConfig({ REDIS_CLUSTER_NODES: 'rediss://app:pw@10.0.0.1:7000,10.0.0.2:7001' }).connections;

describe('openRedis', () => {
  const opened: (IORedis | Cluster)[] = [];
  const open = (...args: Parameters<typeof openRedis>) => {
    const client = openRedis(args[0], args[1], { lazyConnect: true, ...args[2] });
    opened.push(client);
    return client;
  };
  afterAll(() => opened.forEach((client) => client.disconnect()));

  it('opens one connection to REDIS_URL when no cluster is configured', () => {
    const client = open(single, 'producer', { name: 'gw' });
    expect(client).toBeInstanceOf(IORedis);
    expect((client as IORedis).options).toMatchObject({
      host: 'redis.internal',
      port: 6380,
      db: 2,
      username: 'app',
      password: 'pw',
      tls: {},
      connectionName: 'gw',
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
  });

  it('opens a cluster client on the seed nodes with the login on every node, producers failing fast', () => {
    const client = open(cluster, 'producer', { name: 'gw' }) as Cluster;
    expect(client.isCluster).toBe(true);
    expect(client.options.enableOfflineQueue).toBe(false);
    expect(client.options.redisOptions).toMatchObject({ username: 'app', password: 'pw', tls: {}, connectionName: 'gw', maxRetriesPerRequest: 1 });
    const worker = open(cluster, 'worker') as Cluster;
    expect(worker.options.enableOfflineQueue).toBe(true);
    expect(worker.options.redisOptions?.maxRetriesPerRequest).toBeNull();
  });

  it('passes a caller that must not reconnect (the admin CLI) on to the cluster', () => {
    const client = open(cluster, 'producer', { retryStrategy: null, connectTimeoutMs: 3_000 }) as Cluster;
    expect(client.options.clusterRetryStrategy?.(1)).toBeNull();
    expect(client.options.redisOptions?.connectTimeout).toBe(3_000);
    expect((open(cluster, 'producer') as Cluster).options.clusterRetryStrategy?.(3)).toBe(600);
  });
});

describe('bullConnectionFor', () => {
  it('gives BullMQ options for a single Redis, and a lazy cluster client it closes for a cluster', async () => {
    const forSingle = bullConnectionFor(single, 'worker');
    expect(forSingle.connection).toMatchObject({ host: 'redis.internal', maxRetriesPerRequest: null });
    await forSingle.close();
    const forCluster = bullConnectionFor(cluster, 'worker', 'w:bullmq');
    const client = forCluster.connection as Cluster;
    expect(client.status).toBe('wait');
    await forCluster.close();
    expect(client.status).toBe('end');
  });
});
