import { EnvReader } from '../env-reader';
import { clusterKeyPrefix, readRedisCluster, RedisClusterConfig } from './redis-cluster';

export interface ConnectionsConfig {
  /** Postgres connection string (gateway only: workers hold no database credentials). */
  databaseUrl: string;
  /** Redis connection string; CELERY_BROKER_URL from the seed is accepted as a fallback. Unused when redisCluster is set. */
  redisUrl: string;
  /** A Redis Cluster (REDIS_CLUSTER_NODES) instead of the single Redis at redisUrl. */
  redisCluster?: RedisClusterConfig;
  /**
   * BullMQ and Redis key prefix; tests give each file its own so runs never see each other's
   * queues. On a cluster it carries a hash tag (`{validahub}`) so all our keys share one slot.
   */
  queuePrefix: string;
  /** Apply pending database migrations when the gateway starts (MIGRATIONS_RUN, default true). */
  runMigrations: boolean;
}

export function readConnections(env: EnvReader): ConnectionsConfig {
  // Read in the order the generated docs list them.
  const databaseUrl = env.url('DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/validahub', ['postgresql:', 'postgres:']);
  const redisUrl = env.url(['REDIS_URL', 'CELERY_BROKER_URL'], 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']);
  const redisCluster = readRedisCluster(env);
  const singleUrl = env.raw('REDIS_URL', 'CELERY_BROKER_URL');
  if (redisCluster && singleUrl) {
    // Two targets would leave some connections on one Redis and some on the other.
    env.problem(singleUrl.name, 'and REDIS_CLUSTER_NODES are both set; a Redis Cluster is configured by REDIS_CLUSTER_NODES alone');
  }
  const queuePrefix = env.string('QUEUE_PREFIX', 'validahub');
  return {
    databaseUrl,
    redisUrl,
    redisCluster,
    queuePrefix: redisCluster ? clusterKeyPrefix(queuePrefix) : queuePrefix,
    runMigrations: env.bool('MIGRATIONS_RUN', true),
  };
}
