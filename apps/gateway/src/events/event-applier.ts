import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '@validahub/config';
import { JobEvent } from '@validahub/jobs-domain';
import { ApplyOutcome, applyJobEvents } from '@validahub/jobs-persistence';
import { createRedis, JobEventConsumer, StreamEvent } from '@validahub/jobs-queueing';
import { GATEWAY_CONFIG, GATEWAY_OPTIONS, ResolvedGatewayOptions } from '../gateway-options';
import { closeRedis } from '../infra/close-redis';
import { GatewayMetrics } from '../metrics/gateway-metrics';

/**
 * Applies worker events from the Redis stream to Postgres. Replicas share the consumer group,
 * so each event is applied by one of them; an event is acknowledged only after its
 * transaction committed, so a crash or a Postgres outage leaves it pending for a retry.
 */
@Injectable()
export class EventApplier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventApplier');
  private redis?: IORedis;
  private consumer?: JobEventConsumer;
  readonly consumerName = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    @Inject(GATEWAY_OPTIONS) private readonly options: ResolvedGatewayOptions,
    private readonly dataSource: DataSource,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.eventApplier) return;
    // Its own connection: XREADGROUP BLOCK holds it while waiting.
    this.redis = createRedis(this.config.connections.redisUrl, 'worker', `gateway-events-${this.consumerName}`);
    this.redis.on('error', (error) => this.logger.debug(`event stream redis: ${String(error)}`));
    this.consumer = new JobEventConsumer(this.redis, {
      prefix: this.config.connections.queuePrefix,
      consumerName: this.consumerName,
      logger: {
        warn: (message, meta) => this.logger.warn({ ...meta }, message),
        error: (message, meta) => this.logger.error({ ...meta }, message),
      },
    });
    this.consumer.startBatches((batch) => this.applyBatch(batch));
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
    if (this.redis) await closeRedis(this.redis);
  }

  /** One transaction per batch; see applyJobEvents. */
  async applyBatch(batch: StreamEvent[]): Promise<void> {
    const outcomes = await applyJobEvents(this.dataSource, batch.map((entry) => entry.event));
    batch.forEach(({ event, id }, i) => this.record(event, id, outcomes[i]));
  }

  private record(event: JobEvent, entryId: string, outcome: ApplyOutcome): void {
    this.metrics.eventsApplied.inc({ outcome: outcome.kind });
    this.metrics.eventLag.observe({ type: event.type }, Math.max(0, (Date.now() - Date.parse(event.at)) / 1_000));
    if (outcome.kind === 'transition') {
      for (const status of outcome.statuses) this.metrics.transitions.inc({ to_status: status, actor: 'worker' });
    } else if (outcome.kind === 'unknown-job') {
      this.logger.warn({ job_id: event.jobId, entry_id: entryId, type: event.type }, 'event for an unknown job; acknowledged and dropped');
    } else if (outcome.kind === 'ignored') {
      this.logger.debug({ job_id: event.jobId, entry_id: entryId, type: event.type, reason: outcome.reason }, 'event ignored');
    }
  }
}
