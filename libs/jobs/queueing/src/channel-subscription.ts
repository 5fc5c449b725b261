import type { RedisClient } from './redis-connection';

/**
 * Listens on `channels` of a dedicated subscriber connection (a subscribed connection can do
 * nothing else; several subscriptions may share it). Resolves once subscribed, to the unsubscribe.
 */
export async function subscribeChannels(
  subscriber: RedisClient,
  channels: readonly string[],
  onMessage: (channel: string, message: string) => void,
): Promise<() => Promise<void>> {
  const wanted = new Set(channels);
  const listener = (from: string, message: string) => {
    if (wanted.has(from)) onMessage(from, message);
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(...channels);
  return async () => {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(...channels);
  };
}
