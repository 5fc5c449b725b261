import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { JobEvent } from '@validahub/jobs-domain';
import { ApplyOutcome } from '@validahub/jobs-persistence';
import { JobEventConsumer, StreamEvent } from '@validahub/jobs-queueing';
import { EVENT_DEAD_LETTERS, JOB_EVENT_WRITER, JOBS_SETTLED_HOOK } from '../gateway.tokens';
import { isDependencyDown } from '../http/dependency-errors';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { describeError, EventDeadLetters } from './event-dead-letters';
import { EventApplySpans } from './event-apply-spans';

/** Applies a batch of worker events to Postgres in one transaction; one outcome per event, in order. */
export type JobEventWriter = (events: readonly JobEvent[]) => Promise<ApplyOutcome[]>;

/** Runs after a batch is applied with the jobs its terminal events were about (replays included: it must be idempotent). */
export type JobsSettledHook = (jobIds: readonly string[]) => Promise<void>;

const SETTLING_EVENTS: ReadonlySet<JobEvent['type']> = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

/** Pause before the one retry of an event Postgres refused (a lock timeout or deadlock clears by then). */
export const REFUSED_EVENT_RETRY_MS = 200;

/**
 * Applies worker events from the Redis stream to Postgres. Replicas share the consumer group,
 * so each event is applied by one of them; an event is acknowledged only after its
 * transaction committed, so a crash or a Postgres outage leaves it pending for a retry.
 *
 * An event Postgres refuses (bad data, a constraint) would be read again forever and hold up
 * every event behind it. So when a batch is refused while Postgres is up, its events are
 * applied one at a time; one refused again after a short pause is moved to the dead-letter
 * stream with its error, counted and logged, and the applier moves on.
 */
@Injectable()
export class EventApplier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventApplier');

  constructor(
    private readonly consumer: JobEventConsumer,
    @Inject(JOB_EVENT_WRITER) private readonly writeEvents: JobEventWriter,
    private readonly metrics: GatewayMetrics,
    @Inject(EVENT_DEAD_LETTERS) private readonly deadLetters: EventDeadLetters,
    @Optional() @Inject(JOBS_SETTLED_HOOK) private readonly onSettled?: JobsSettledHook,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer.startBatches((batch) => this.applyBatch(batch));
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  /**
   * One transaction per batch; Postgres being down rejects, so the whole batch stays pending.
   * With tracing on, each event's application is a `job.event.apply` span in its job's trace.
   */
  async applyBatch(batch: StreamEvent[]): Promise<void> {
    const spans = new EventApplySpans(batch);
    try {
      await spans.around(() => this.applyTraced(batch, spans));
    } catch (error) {
      spans.fail(error);
      throw error;
    } finally {
      spans.end();
    }
  }

  private async applyTraced(batch: StreamEvent[], spans: EventApplySpans): Promise<void> {
    let outcomes: ApplyOutcome[];
    try {
      outcomes = await this.writeEvents(batch.map((entry) => entry.event));
    } catch (error) {
      if (isDependencyDown(error)) throw error;
      this.logger.warn({ count: batch.length, error: describeError(error) }, 'Postgres refused a batch of events; applying them one by one');
      for (const entry of batch) await this.applyAlone(entry);
      return this.settled(batch);
    }
    batch.forEach(({ event, id }, i) => {
      spans.outcome(i, outcomes[i].kind);
      this.record(event, id, outcomes[i]);
    });
    await this.settled(batch);
  }

  /**
   * Workflows move on before the batch is acknowledged: an applier that dies in between leaves
   * the batch pending, and its replay (ignored as a transition) calls the hook again. A refusal
   * that is not an outage is logged and left to the reconciler's repair sweep.
   */
  private async settled(batch: StreamEvent[]): Promise<void> {
    const jobIds = [...new Set(batch.filter(({ event }) => SETTLING_EVENTS.has(event.type)).map(({ event }) => event.jobId))];
    if (!this.onSettled || !jobIds.length) return;
    try {
      await this.onSettled(jobIds);
    } catch (error) {
      if (isDependencyDown(error)) throw error;
      this.logger.warn({ count: jobIds.length, error: describeError(error) }, 'settled-jobs hook failed; the reconciler repairs what it missed');
    }
  }

  /** Applies one event, retrying a refusal once; still refused, it is dead-lettered. */
  private async applyAlone({ event, id }: StreamEvent): Promise<void> {
    let refusal: unknown;
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, REFUSED_EVENT_RETRY_MS));
      try {
        const [outcome] = await this.writeEvents([event]);
        return this.record(event, id, outcome);
      } catch (error) {
        if (isDependencyDown(error)) throw error;
        refusal = error;
      }
    }
    await this.deadLetters.keep({ event, entryId: id, error: refusal });
    this.metrics.eventsDeadLettered.inc({ type: event.type });
    this.logger.error(
      { job_id: event.jobId, entry_id: id, type: event.type, attempt: event.attempt, error: describeError(refusal) },
      'Postgres refused an event twice; moved it to the dead-letter stream',
    );
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
