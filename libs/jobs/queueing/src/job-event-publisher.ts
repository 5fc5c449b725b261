import type { RedisClient } from './redis-connection';
import { JobEvent } from '@validahub/jobs-domain';
import { jobEventsStreamKey } from './keys';

/**
 * Workers report lifecycle and progress into a Redis stream: entries stay until a gateway
 * replica has applied and acknowledged them, so a gateway restart loses nothing.
 */
export class JobEventPublisher {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = jobEventsStreamKey(prefix);
  }

  async publish(event: JobEvent): Promise<string> {
    const id = await this.redis.xadd(this.key, '*', 'event', JSON.stringify(event));
    if (!id) throw new Error('XADD returned no id');
    return id;
  }
}
