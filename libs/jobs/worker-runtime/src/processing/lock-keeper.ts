import type { Job } from 'bullmq';

/**
 * Renews a job's lock from the processor itself, every half lock duration, until stopped.
 * Needed in one case only: when this process fetched a job again while an older run of it was
 * still here, BullMQ's lock manager (which tracks runs by job id) stops renewing the new run as
 * soon as the older one ends. `onLost` is called when the lock is no longer this run's.
 */
export function keepLock(job: Pick<Job, 'extendLock'>, token: string, lockDurationMs: number, onLost: () => void): () => void {
  const timer = setInterval(() => {
    job.extendLock(token, lockDurationMs).then(
      (extended) => {
        if (extended !== 1) onLost();
      },
      // Redis unreachable: try again on the next tick; a lock that expired meanwhile shows as lost then.
      () => undefined,
    );
  }, lockDurationMs / 2);
  timer.unref();
  return () => clearInterval(timer);
}
