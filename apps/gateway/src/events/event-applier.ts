import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { JobEvent } from '@validahub/jobs-domain';
import { ApplyOutcome } from '@validahub/jobs-persistence';
import { JobEventConsumer, StreamEvent } from '@validahub/jobs-queueing';
import { JOB_EVENT_WRITER } from '../gateway.tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';

/** Applies a batch of worker events to Postgres in one transaction; one outcome per event, in order. */
export type JobEventWriter = (events: readonly JobEvent[]) => Promise<ApplyOutcome[]>;

/**
 * Applies worker events from the Redis stream to Postgres. Replicas share the consumer group,
 * so each event is applied by one of them; an event is acknowledged only after its
 * transaction committed, so a crash or a Postgres outage leaves it pending for a retry.
 */
@Injectable()
export class EventApplier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventApplier');

  constructor(
    private readonly consumer: JobEventConsumer,
    @Inject(JOB_EVENT_WRITER) private readonly writeEvents: JobEventWriter,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer.startBatches((batch) => this.applyBatch(batch));
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  /** One transaction per batch; a throw leaves the whole batch pending. */
  async applyBatch(batch: StreamEvent[]): Promise<void> {
    const outcomes = await this.writeEvents(batch.map((entry) => entry.event));
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
