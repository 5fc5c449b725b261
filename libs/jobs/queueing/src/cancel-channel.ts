import type { RedisClient } from './redis-connection';
import { cancelChannel } from './keys';

export interface CancelRequest {
  jobId: string;
  reason: string;
}

/** Cancel requests reach every worker replica; the one running the job aborts it. */
export async function publishCancel(redis: RedisClient, prefix: string, request: CancelRequest): Promise<number> {
  return redis.publish(cancelChannel(prefix), JSON.stringify(request));
}

/** Subscribes on a dedicated connection (a subscribed connection can do nothing else). */
export async function subscribeCancels(
  subscriber: RedisClient,
  prefix: string,
  onCancel: (request: CancelRequest) => void,
): Promise<() => Promise<void>> {
  const channel = cancelChannel(prefix);
  const listener = (from: string, message: string) => {
    if (from !== channel) return;
    try {
      const parsed = JSON.parse(message) as Partial<CancelRequest>;
      if (typeof parsed.jobId === 'string') onCancel({ jobId: parsed.jobId, reason: String(parsed.reason ?? 'cancelled') });
    } catch {
      // Not ours or malformed: a cancel channel message can be ignored safely.
    }
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(channel);
  };
}
