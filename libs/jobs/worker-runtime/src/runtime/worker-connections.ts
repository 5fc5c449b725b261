import type IORedis from 'ioredis';
import { createRedis, JobEventPublisher } from '@validahub/jobs-queueing';
import type { WorkerSettings } from './worker-settings';

/**
 * The runtime's own Redis connections (BullMQ workers open theirs): lifecycle events go out on
 * one, cancel requests come in on a dedicated subscriber (a subscribed connection can do nothing else).
 */
export class WorkerConnections {
  readonly publisher: IORedis;
  readonly subscriber: IORedis;
  readonly events: JobEventPublisher;

  constructor(settings: WorkerSettings) {
    const { redisUrl, queuePrefix } = settings.config.connections;
    this.publisher = createRedis(redisUrl, 'worker', `${settings.workerName}:events`);
    this.subscriber = createRedis(redisUrl, 'worker', `${settings.workerName}:cancels`);
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error) => settings.logger.warn({ err: error }, 'redis connection error'));
    }
    this.events = new JobEventPublisher(this.publisher, queuePrefix);
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher, this.subscriber].map((c) => c.quit().catch(() => c.disconnect())));
  }
}
