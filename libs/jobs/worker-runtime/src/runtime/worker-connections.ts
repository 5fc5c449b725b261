import type IORedis from 'ioredis';
import { createRedis, JobEventPublisher, TenantSlots } from '@validahub/jobs-queueing';
import type { WorkerSettings } from './worker-settings';

/**
 * The runtime's own Redis connections (BullMQ workers open theirs): lifecycle events and the
 * tenants' running slots use one, cancel requests come in on a dedicated subscriber (a
 * subscribed connection can do nothing else).
 */
export class WorkerConnections {
  readonly publisher: IORedis;
  readonly subscriber: IORedis;
  readonly events: JobEventPublisher;
  /** Leases last one BullMQ lock duration: a dead worker's slots come back about when its jobs do. */
  readonly slots: TenantSlots;

  constructor(settings: WorkerSettings) {
    const { redisUrl, queuePrefix } = settings.config.connections;
    this.publisher = createRedis(redisUrl, 'worker', `${settings.workerName}:events`);
    this.subscriber = createRedis(redisUrl, 'worker', `${settings.workerName}:cancels`);
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error) => settings.logger.warn({ err: error }, 'redis connection error'));
    }
    this.events = new JobEventPublisher(this.publisher, queuePrefix);
    this.slots = new TenantSlots(this.publisher, queuePrefix, settings.stall.lockDurationMs, (error) =>
      settings.logger.warn({ err: error }, 'could not renew running slots'),
    );
  }

  async close(): Promise<void> {
    this.slots.close();
    await Promise.all([this.publisher, this.subscriber].map((c) => c.quit().catch(() => c.disconnect())));
  }
}
