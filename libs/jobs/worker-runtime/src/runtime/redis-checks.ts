import type { RedisClient } from '@validahub/jobs-queueing';
import type { Logger } from 'pino';

/**
 * BullMQ keeps jobs as ordinary keys: a Redis that evicts keys under memory pressure silently
 * loses jobs. Warn loudly unless eviction is off; managed Redis often disables CONFIG, which
 * is tolerated with a note.
 */
export async function checkEvictionPolicy(redis: RedisClient, logger: Logger): Promise<string | null> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as unknown as string[];
    const policy = reply?.[1] ?? null;
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
