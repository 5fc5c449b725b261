import type { BackoffStrategy } from 'bullmq';
import { backoffDelayMs } from '@validahub/jobs-domain';

/**
 * The delay before a retry is drawn (with jitter) once, when the processor reports `retrying`,
 * and BullMQ's backoff strategy hands that same delay back, so the event's `nextAttemptAt`
 * is when the retry really becomes due.
 */
export class RetryDelays {
  private readonly planned = new Map<string, number>();

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
  ) {}

  plan(jobId: string, attempt: number): number {
    const delay = backoffDelayMs(attempt, this.baseMs, this.capMs);
    this.planned.set(jobId, delay);
    return delay;
  }

  forget(jobId: string): void {
    this.planned.delete(jobId);
  }

  /** Registered as `settings.backoffStrategy`; BullMQ passes the number of the attempt that just failed. */
  readonly strategy: BackoffStrategy = (attemptsMade, _type, _error, job) => {
    const id = job?.id;
    const planned = id === undefined ? undefined : this.planned.get(id);
    if (id !== undefined) this.planned.delete(id);
    return planned ?? backoffDelayMs(attemptsMade, this.baseMs, this.capMs);
  };
}
