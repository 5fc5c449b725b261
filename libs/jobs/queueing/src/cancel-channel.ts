import type { RedisClient } from './redis-connection';
import { subscribeChannels } from './channel-subscription';
import { cancelChannel } from './keys';

export interface CancelRequest {
  jobId: string;
  reason: string;
}

/** Cancel requests reach every worker replica; the one running the job aborts it. */
export async function publishCancel(redis: RedisClient, prefix: string, request: CancelRequest): Promise<number> {
  return redis.publish(cancelChannel(prefix), JSON.stringify(request));
}

/** Subscribes on a dedicated connection (see subscribeChannels). */
export function subscribeCancels(subscriber: RedisClient, prefix: string, onCancel: (request: CancelRequest) => void): Promise<() => Promise<void>> {
  return subscribeChannels(subscriber, [cancelChannel(prefix)], (_, message) => {
    try {
      const parsed = JSON.parse(message) as Partial<CancelRequest>;
      if (typeof parsed.jobId === 'string') onCancel({ jobId: parsed.jobId, reason: String(parsed.reason ?? 'cancelled') });
    } catch {
      // Not ours or malformed: a cancel channel message can be ignored safely.
    }
  });
}
