import type { RedisClient } from '@validahub/jobs-queueing';

/**
 * QUIT when Redis answers, so no command is cut off; a hard disconnect when it does not
 * within the grace period (a dead server would otherwise keep shutdown waiting).
 */
export async function closeRedis(redis: RedisClient, graceMs = 2_000): Promise<void> {
  if (redis.status === 'end') return;
  // A lazy connection that never connected: QUIT would open it first.
  if (redis.status === 'wait') return redis.disconnect();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    redis.quit().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, graceMs);
    }),
  ]);
  clearTimeout(timer);
  // QUIT may have ended the connection meanwhile (TypeScript keeps the narrowing from above).
  if ((redis.status as string) !== 'end') redis.disconnect();
}
