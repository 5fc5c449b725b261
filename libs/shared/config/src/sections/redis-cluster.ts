import { EnvReader } from '../env-reader';

/** One seed node of a Redis Cluster; the client learns the others (and the slot map) from it. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** A Redis Cluster given by REDIS_CLUSTER_NODES: its seed nodes and how to log in to every node. */
export interface RedisClusterConfig {
  nodes: RedisClusterNode[];
  username?: string;
  password?: string;
  /** `rediss://` entries: every node is reached over TLS. */
  tls: boolean;
}

const NODES = 'REDIS_CLUSTER_NODES';

/**
 * REDIS_CLUSTER_NODES: comma-separated `host:port` or `redis[s]://[user:password@]host:port`
 * entries. Credentials and TLS apply to the whole cluster, so entries that carry them must agree;
 * a bare `host:port` takes what the others say.
 * Undefined when unset (single-node Redis from REDIS_URL).
 */
export function readRedisCluster(env: EnvReader): RedisClusterConfig | undefined {
  const entries = env.list(NODES);
  if (!entries.length) return undefined;
  const parsed = entries.map((entry) => parseEntry(env, entry));
  if (parsed.some((p) => p === undefined)) return undefined;
  const nodes = parsed as ParsedEntry[];
  const schemes = new Set(nodes.filter((n) => n.tls !== undefined).map((n) => n.tls));
  const logins = new Set(nodes.filter((n) => n.username || n.password).map((n) => `${n.username ?? ''}\n${n.password ?? ''}`));
  if (schemes.size > 1) env.problem(NODES, 'mixes redis:// and rediss:// entries; every node of a cluster is reached the same way');
  if (logins.size > 1) env.problem(NODES, 'entries carry different credentials; give one user and password for the whole cluster');
  const login = nodes.find((n) => n.username || n.password);
  return {
    nodes: nodes.map(({ host, port }) => ({ host, port })),
    username: login?.username,
    password: login?.password,
    tls: nodes.some((n) => n.tls === true),
  };
}

interface ParsedEntry extends RedisClusterNode {
  username?: string;
  password?: string;
  /** Undefined for a bare host:port (no scheme given). */
  tls?: boolean;
}

function parseEntry(env: EnvReader, entry: string): ParsedEntry | undefined {
  const bare = !entry.includes('://');
  const withScheme = bare ? `redis://${entry}` : entry;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    env.problem(NODES, `entry "${entry}" is not host:port or a redis:// URL`);
    return undefined;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    env.problem(NODES, `entry "${entry}" must use redis: or rediss:, got "${url.protocol}"`);
    return undefined;
  }
  if (!url.hostname) {
    env.problem(NODES, `entry "${entry}" has no host`);
    return undefined;
  }
  if (url.pathname.length > 1 && url.pathname !== '/0') {
    env.problem(NODES, `entry "${entry}" selects database ${url.pathname.slice(1)}; a Redis Cluster has only database 0`);
    return undefined;
  }
  return {
    // URL keeps IPv6 hosts in brackets; ioredis wants them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: bare ? undefined : url.protocol === 'rediss:',
  };
}

/**
 * The hash tag Redis Cluster hashes a key by: the text between the first `{` and the first `}`
 * after it, when not empty (the cluster specification's rule). Undefined when the key has none.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}

/**
 * On a cluster every key of ours starts with a hash-tagged prefix, so they all share one slot:
 * BullMQ's Lua scripts touch many keys of a queue at once and need that, and so does any
 * multi-key command of our own. A prefix that already carries a tag is kept as given.
 */
export function clusterKeyPrefix(prefix: string): string {
  return hashTagOf(prefix) === undefined ? `{${prefix}}` : prefix;
}
