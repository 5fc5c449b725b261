import type { Plan } from '@validahub/jobs-domain';
import { subscribeChannels } from './channel-subscription';
import { arrivalsChannel } from './keys';
import type { RedisClient } from './redis-connection';

/**
 * "New jobs are on this plan's queue": a hint for worker slots parked after deferring a busy
 * tenant's job (they would otherwise sleep out their pause while a newcomer's job waits). Only a
 * hint: a lost message costs a parked slot its pause, never a job.
 */
export async function publishArrivals(redis: Pick<RedisClient, 'publish'>, prefix: string, plan: Plan, count: number): Promise<void> {
  await redis.publish(arrivalsChannel(prefix, plan), String(count));
}

/** Subscribes on a dedicated connection (see subscribeChannels); `onArrivals` gets the plan and how many jobs arrived. */
export function subscribeArrivals(
  subscriber: RedisClient,
  prefix: string,
  plans: readonly Plan[],
  onArrivals: (plan: Plan, count: number) => void,
): Promise<() => Promise<void>> {
  const planOf = new Map(plans.map((plan) => [arrivalsChannel(prefix, plan), plan]));
  return subscribeChannels(subscriber, [...planOf.keys()], (channel, message) => {
    // Anyone may write to Redis: a count that is not a small positive number wakes one slot.
    const count = Number.parseInt(message, 10);
    onArrivals(planOf.get(channel) as Plan, Number.isSafeInteger(count) && count > 0 ? count : 1);
  });
}
