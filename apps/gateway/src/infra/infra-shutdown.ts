import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { closeRedis, JobQueues, type RedisClient } from '@validahub/jobs-queueing';
import { stopTracing } from '@validahub/observability';
import { PRODUCER_REDIS } from '../gateway.tokens';

/** Closes connections last, after the event applier and reconciler stopped (they stop in onModuleDestroy). */
@Injectable()
export class InfraShutdown implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: JobQueues,
    @Inject(PRODUCER_REDIS) private readonly redis: RedisClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // With Redis down, BullMQ's close can wait for a reconnect that never comes: cap it.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queues.close().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 3_000)))]);
    clearTimeout(timer);
    await closeRedis(this.redis);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    // Last: the spans of everything above are exported before the process exits (a no-op with tracing off).
    await stopTracing().catch(() => undefined);
  }
}
