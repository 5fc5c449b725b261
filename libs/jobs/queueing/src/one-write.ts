import type { RedisClient } from './redis-connection';

/**
 * Runs `issue`, which sends commands on `redis`, with the connection's socket corked, so they
 * leave in one write: on these machines a socket write costs more than the commands Redis then
 * runs. Redis still runs them one by one, in the order issued. A Cluster client has no single
 * socket: there the commands leave as they are issued.
 */
export function issueInOneWrite<T>(redis: RedisClient, issue: () => T): T {
  const socket = (redis as { stream?: { cork(): void; uncork(): void } }).stream;
  socket?.cork();
  try {
    return issue();
  } finally {
    socket?.uncork();
  }
}
