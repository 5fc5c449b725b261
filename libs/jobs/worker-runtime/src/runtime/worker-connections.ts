import { type BullConnection, closeRedis, JobEventPublisher, openRedis, type RedisClient, TenantSlots } from '@validahub/jobs-queueing';
import type { WorkerSettings } from './worker-settings';

/**
 * The runtime's own Redis connections (BullMQ workers open theirs): lifecycle events and the
 * tenants' running slots use one, cancel requests come in on a dedicated subscriber (a
 * subscribed connection can do nothing else).
 */
export class WorkerConnections {
  readonly publisher: RedisClient;
  readonly subscriber: RedisClient;
  readonly events: JobEventPublisher;
  /** Leases last one BullMQ lock duration: a dead worker's slots come back about when its jobs do. */
  readonly slots: TenantSlots;

  /** `bull`: BullMQ's shared connection, closed here after the BullMQ workers closed. */
  constructor(
    settings: WorkerSettings,
    private readonly bull?: BullConnection,
  ) {
    const { connections } = settings.config;
    const { queuePrefix } = connections;
    this.publisher = openRedis(connections, 'worker', { name: `${settings.workerName}:events` });
    this.subscriber = openRedis(connections, 'worker', { name: `${settings.workerName}:cancels` });
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
    await Promise.all([this.publisher, this.subscriber].map((c) => closeRedis(c)));
    await this.bull?.close();
  }
}
