import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { counter, histogram, httpDurationHistogram, queueDepthGauge } from '@validahub/observability';
import { METRICS_REGISTRY } from '../gateway.tokens';

/** The gateway's own series; one instance per app, on the app's registry. */
@Injectable()
export class GatewayMetrics {
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly jobsCreated: Counter<'task' | 'plan'>;
  readonly transitions: Counter<'to_status' | 'actor'>;
  readonly eventLag: Histogram<'type'>;
  readonly eventsApplied: Counter<'outcome'>;
  readonly enqueueFailures: Counter<'plan'>;
  readonly reconcilerActions: Counter<'action'>;
  readonly eventsDeadLettered: Counter<'type'>;

  constructor(@Inject(METRICS_REGISTRY) readonly registry: Registry) {
    this.httpDuration = httpDurationHistogram(registry);
    this.jobsCreated = counter(registry, 'jobs_created_total', 'Jobs accepted by the API', ['task', 'plan']);
    this.transitions = counter(registry, 'job_transitions_total', 'Job status transitions written to Postgres', ['to_status', 'actor']);
    this.eventLag = histogram(
      registry,
      'job_event_apply_lag_seconds',
      'Time from a worker event to its application in Postgres',
      ['type'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
    this.eventsApplied = counter(registry, 'job_events_consumed_total', 'Worker events consumed, by outcome', ['outcome']);
    this.enqueueFailures = counter(registry, 'job_enqueue_failures_total', 'Accepted jobs whose enqueue failed (the reconciler retries)', ['plan']);
    this.reconcilerActions = counter(registry, 'job_reconciler_actions_total', 'Jobs the reconciler re-enqueued or expired', ['action']);
    this.eventsDeadLettered = counter(
      registry,
      'validahub_events_dead_lettered_total',
      'Worker events Postgres refused twice, moved to the dead-letter stream',
      ['type'],
    );
  }

  /** Adds `validahub_queue_jobs{plan,state}`, read at each scrape (once per app). */
  watchQueueDepth(read: Parameters<typeof queueDepthGauge>[1]): void {
    if (!this.registry.getSingleMetric('validahub_queue_jobs')) queueDepthGauge(this.registry, read);
  }
}
