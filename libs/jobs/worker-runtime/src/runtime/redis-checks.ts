import type { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisClient } from '@validahub/jobs-queueing';

/**
 * BullMQ keeps jobs as ordinary keys: a Redis that evicts keys under memory pressure silently
 * loses jobs. Warn loudly unless eviction is off; managed Redis often disables CONFIG, which
 * is tolerated with a note. On a cluster every master is asked (each holds some of the keys):
 * the first policy that is not `noeviction` is the one reported.
 */
export async function checkEvictionPolicy(redis: RedisClient, logger: Logger): Promise<string | null> {
  try {
    // The cluster client knows its masters once it is ready; a first command waits for that.
    if (isCluster(redis)) await redis.ping();
    const servers = isCluster(redis) ? redis.nodes('master') : [redis];
    const policies = await Promise.all(
      servers.map(async (server) => ((await server.config('GET', 'maxmemory-policy')) as unknown as string[])?.[1] ?? null),
    );
    const policy = policies.find((p) => p !== 'noeviction') ?? 'noeviction';
    if (policy !== 'noeviction') {
      logger.warn(
        { maxmemoryPolicy: policy },
        `Redis maxmemory-policy is "${policy}"; production needs "noeviction" or queued jobs can be evicted and lost`,
      );
    }
    return policy;
  } catch (error) {
    logger.info({ err: error }, 'could not read Redis maxmemory-policy (CONFIG disabled?); make sure it is "noeviction"');
    return null;
  }
}

function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as Cluster).isCluster === true;
}
