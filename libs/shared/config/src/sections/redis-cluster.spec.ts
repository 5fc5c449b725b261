import { loadConfig } from '../index';
import { configProblems as problemsOf } from '../testing/config-problems';
import { clusterKeyPrefix, hashTagOf } from './redis-cluster';

describe('REDIS_CLUSTER_NODES', () => {
  it('is off by default: single-node Redis from REDIS_URL, prefix unchanged', () => {
    const { connections } = loadConfig({ REDIS_URL: 'redis://h:1/0', QUEUE_PREFIX: 'vh' });
    expect(connections.redisCluster).toBeUndefined();
    expect(connections.queuePrefix).toBe('vh');
  });

  it('reads host:port and URL entries, credentials and TLS for the whole cluster', () => {
    const { connections } = loadConfig({ REDIS_CLUSTER_NODES: 'rediss://app:s%40cret@10.0.0.1:7000, rediss://10.0.0.2:7001,rediss://[::1]' });
    expect(connections.redisCluster).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 6379 },
      ],
      username: 'app',
      password: 's@cret',
      tls: true,
    });
    // Bare host:port entries take the scheme and login the others give.
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'rediss://u:p@a:1,b:2' }).connections.redisCluster).toMatchObject({
      username: 'u',
      password: 'p',
      tls: true,
    });
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1,b:2' }).connections.redisCluster).toEqual({
      nodes: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
  });

  it('wraps the queue prefix in a hash tag unless it has one', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1' }).connections.queuePrefix).toBe('{validahub}');
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1', QUEUE_PREFIX: 'vh-test' }).connections.queuePrefix).toBe('{vh-test}');
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1', QUEUE_PREFIX: 'app:{vh}' }).connections.queuePrefix).toBe('app:{vh}');
    // An empty tag does not count: Redis would hash the whole key.
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1', QUEUE_PREFIX: 'x{}' }).connections.queuePrefix).toBe('{x{}}');
  });

  it('names the bad variable for every bad entry', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:1,http://b:2' })).toEqual([
      'REDIS_CLUSTER_NODES entry "http://b:2" must use redis: or rediss:, got "http:"',
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:notaport' })).toEqual(['REDIS_CLUSTER_NODES entry "a:notaport" is not host:port or a redis:// URL']);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis://a:1/3' })).toEqual([
      'REDIS_CLUSTER_NODES entry "redis://a:1/3" selects database 3; a Redis Cluster has only database 0',
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis://a:1,rediss://b:2' })).toEqual([
      'REDIS_CLUSTER_NODES mixes redis:// and rediss:// entries; every node of a cluster is reached the same way',
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis://u:p@a:1,redis://u:q@b:2' })).toEqual([
      'REDIS_CLUSTER_NODES entries carry different credentials; give one user and password for the whole cluster',
    ]);
  });

  it('refuses REDIS_URL (or CELERY_BROKER_URL) next to it', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:1', REDIS_URL: 'redis://b:2/0' })).toEqual([
      'REDIS_URL and REDIS_CLUSTER_NODES are both set; a Redis Cluster is configured by REDIS_CLUSTER_NODES alone',
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:1', CELERY_BROKER_URL: 'redis://b:2/0' })).toHaveLength(1);
  });
});

describe('hash tags', () => {
  it('follow the cluster specification: first { to the first } after it, not empty', () => {
    expect(hashTagOf('{vh}:queue-pro:wait')).toBe('vh');
    expect(hashTagOf('a{b}{c}')).toBe('b');
    expect(hashTagOf('a{}{c}')).toBeUndefined();
    expect(hashTagOf('a{b')).toBeUndefined();
    expect(hashTagOf('plain')).toBeUndefined();
    expect(clusterKeyPrefix('vh')).toBe('{vh}');
  });
});
