import type { ConnectionOptions } from 'bullmq';
import IORedis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import type { ConnectionsConfig } from '@validahub/config';

/** A single Redis or a Redis Cluster client: both speak the same commands, pub/sub and scripts. */
export type RedisClient = IORedis | Cluster;

/** Where Redis is: the single server at redisUrl, or the cluster of REDIS_CLUSTER_NODES. */
export type RedisTarget = Pick<ConnectionsConfig, 'redisUrl' | 'redisCluster'>;

export type RedisRole = 'worker' | 'producer';

export interface RedisClientOptions {
  /** CLIENT SETNAME on every connection (on a cluster: on every node's). */
  name?: string;
  /** Connect on the first command instead of at once. */
  lazyConnect?: boolean;
  /** Overrides the role's default: false when the caller resubscribes itself. */
  autoResubscribe?: boolean;
  /** Overrides the role's reconnect policy (null: never reconnect). */
  retryStrategy?: RedisOptions['retryStrategy'];
  connectTimeoutMs?: number;
  /** ioredis auto-pipelining: commands issued in one event-loop turn leave in one write (per node on a cluster). */
  autoPipelining?: boolean;
}

const CONNECT_TIMEOUT_MS = 5_000;
const reconnectDelay = (times: number) => Math.min(times * 200, 2_000);

/**
 * ioredis options from a redis:// URL. BullMQ workers need `maxRetriesPerRequest: null`
 * (blocking commands must wait out reconnects); producers fail fast instead so an API
 * request never hangs on a dead Redis.
 */
export function redisOptions(url: string, role: RedisRole): RedisOptions {
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
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: reconnectDelay,
  };
}

export function createRedis(url: string, role: RedisRole, name?: string): IORedis {
  return new IORedis({ ...redisOptions(url, role), connectionName: name, lazyConnect: false });
}

/** A connection that is ready for commands (producers queue nothing while disconnected). */
export async function connectRedis(url: string, role: RedisRole, name?: string): Promise<IORedis> {
  const redis = new IORedis({ ...redisOptions(url, role), connectionName: name, lazyConnect: true });
  await redis.connect();
  return redis;
}

/**
 * The client for the configured Redis: a Cluster client when REDIS_CLUSTER_NODES is set, else
 * one connection to REDIS_URL. Every Redis user of the system opens its connections here, so
 * none of them is left talking to a single node of a cluster.
 */
export function openRedis(target: RedisTarget, role: RedisRole, options: RedisClientOptions = {}): RedisClient {
  const overrides: RedisOptions = {
    connectionName: options.name,
    ...(options.autoResubscribe === undefined ? {} : { autoResubscribe: options.autoResubscribe }),
    ...(options.retryStrategy === undefined ? {} : { retryStrategy: options.retryStrategy }),
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeout: options.connectTimeoutMs }),
  };
  if (!target.redisCluster) {
    return new IORedis({
      ...redisOptions(target.redisUrl, role),
      ...overrides,
      lazyConnect: options.lazyConnect ?? false,
      enableAutoPipelining: options.autoPipelining ?? false,
    });
  }
  return new Cluster(target.redisCluster.nodes, clusterOptions(target.redisCluster, role, options, overrides));
}

function clusterOptions(
  cluster: NonNullable<RedisTarget['redisCluster']>,
  role: RedisRole,
  options: RedisClientOptions,
  overrides: RedisOptions,
): ClusterOptions {
  const { retryStrategy, ...nodeOverrides } = overrides;
  return {
    // The nodes' own connections: same credentials everywhere, and the role's retry policy.
    redisOptions: {
      username: cluster.username,
      password: cluster.password,
      tls: cluster.tls ? {} : undefined,
      maxRetriesPerRequest: role === 'worker' ? null : 1,
      connectTimeout: CONNECT_TIMEOUT_MS,
      ...nodeOverrides,
    },
    // Producers fail fast while the cluster is unreachable, like a single-node producer.
    enableOfflineQueue: role === 'worker',
    lazyConnect: options.lazyConnect ?? false,
    enableAutoPipelining: options.autoPipelining ?? false,
    clusterRetryStrategy: retryStrategy === undefined ? reconnectDelay : retryStrategy === null ? () => null : retryStrategy,
    // A failover moves slots: retry a command a few times while the new master takes over.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: 2_000,
  };
}

/**
 * What BullMQ connects through. A single Redis is given as options (BullMQ opens and closes
 * its own connections, as before). A cluster must be given as a client: BullMQ then leaves it
 * open when it closes, so `close` is the owner's job.
 */
export interface BullConnection {
  connection: ConnectionOptions;
  close(): Promise<void>;
}

export function bullConnectionFor(target: RedisTarget, role: RedisRole, name?: string): BullConnection {
  if (!target.redisCluster) {
    const { retryStrategy, ...rest } = redisOptions(target.redisUrl, role);
    return { connection: retryStrategy ? { ...rest, retryStrategy } : rest, close: async () => undefined };
  }
  const cluster = openRedis(target, role, { name, lazyConnect: true }) as Cluster;
  // Errors surface on BullMQ's awaited calls; the event only needs a listener.
  cluster.on('error', () => undefined);
  return { connection: cluster, close: () => closeRedis(cluster) };
}

/**
 * QUIT when Redis answers, so no command is cut off; a hard disconnect when it does not within
 * the grace period (a dead server would otherwise keep shutdown waiting), or when the client
 * never connected (QUIT would open a lazy connection first).
 */
export async function closeRedis(client: RedisClient, graceMs = 2_000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'wait') return client.disconnect();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, graceMs);
    }),
  ]);
  clearTimeout(timer);
  // QUIT may have ended the connection meanwhile (TypeScript keeps the narrowing from above).
  if ((client.status as string) !== 'end') client.disconnect();
}
