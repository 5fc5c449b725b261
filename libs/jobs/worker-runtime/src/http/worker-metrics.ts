import { DelayedError, UnrecoverableError, WaitingError } from 'bullmq';
import type { Counter, Histogram, Registry } from 'prom-client';
import { counter, createMetricsRegistry, histogram } from '@validahub/observability';
import type { ProcessResult, QueueJob } from '../processing/job-processor';

/** How one attempt ended, as the run-time histogram labels it. */
export type AttemptOutcome = 'succeeded' | 'expired' | 'retrying' | 'failed' | 'cancelled' | 'handed_back' | 'deferred';

/** The BullMQ fields the queue-wait measurement reads. */
type TimedJob = QueueJob & { timestamp?: number; processedOn?: number };

const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

/**
 * A worker process's own series, on a registry of its own: how long jobs waited in their queue
 * before a first attempt, how long attempts ran and how they ended, and retries. Labels are the
 * task (only a registered task name: job data from Redis is untrusted), the plan and the outcome;
 * never a tenant or job id.
 */
export class WorkerMetrics {
  readonly registry: Registry;
  private readonly queueWait: Histogram<'task' | 'plan'>;
  private readonly runTime: Histogram<'task' | 'plan' | 'outcome'>;
  private readonly retries: Counter<'task' | 'plan'>;
  private readonly taskNames: ReadonlySet<string>;

  constructor(options: { taskNames: readonly string[]; processMetrics?: boolean; defaultLabels?: Record<string, string> }) {
    this.taskNames = new Set(options.taskNames);
    this.registry = createMetricsRegistry({ processMetrics: options.processMetrics, defaultLabels: options.defaultLabels });
    this.queueWait = histogram(
      this.registry,
      'validahub_job_queue_wait_seconds',
      'Time from enqueue (after any delay) to the first attempt starting',
      ['task', 'plan'],
      DURATION_BUCKETS,
    );
    this.runTime = histogram(
      this.registry,
      'validahub_job_run_seconds',
      'Attempt run time by outcome',
      ['task', 'plan', 'outcome'],
      DURATION_BUCKETS,
    );
    this.retries = counter(this.registry, 'validahub_job_retries_total', 'Attempts that failed and will be retried', ['task', 'plan']);
  }

  /** Runs one attempt through `run`, recording its queue wait, run time and outcome; rethrows what it throws. */
  async measure(plan: string, job: TimedJob, run: () => Promise<ProcessResult>): Promise<ProcessResult> {
    const task = this.taskLabel(job);
    const startedAt = Date.now();
    let outcome: AttemptOutcome = 'failed';
    try {
      const result = await run();
      outcome = result.outcome;
      return result;
    } catch (error) {
      outcome = outcomeOfError(error);
      if (outcome === 'retrying') this.retries.inc({ task, plan });
      throw error;
    } finally {
      // A deferred job was not started: its wait goes on, and is observed once, when it does start.
      if (outcome !== 'deferred' && job.attemptsMade === 0 && typeof job.timestamp === 'number') {
        const readyAt = job.timestamp + (job.opts?.delay ?? 0);
        this.queueWait.observe({ task, plan }, Math.max(0, ((job.processedOn ?? startedAt) - readyAt) / 1_000));
      }
      this.runTime.observe({ task, plan, outcome }, (Date.now() - startedAt) / 1_000);
    }
  }

  private taskLabel(job: QueueJob): string {
    const task = (job.data as { task?: unknown } | undefined)?.task;
    return typeof task === 'string' && this.taskNames.has(task) ? task : 'unknown';
  }
}

/** The processor's errors say how the attempt ended (see JobProcessor.conclude). */
function outcomeOfError(error: unknown): AttemptOutcome {
  if (error instanceof WaitingError) return 'handed_back';
  // Its tenant was running its limit: put back without an attempt (JobProcessor.defer).
  if (error instanceof DelayedError) return 'deferred';
  if (error instanceof UnrecoverableError) return error.message.startsWith('cancelled:') ? 'cancelled' : 'failed';
  return 'retrying';
}
