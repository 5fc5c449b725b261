import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_ERROR_CODES } from '@validahub/jobs-domain';
import type { EventSink } from '../processing/job-processor';

/**
 * A job whose worker died more often than maxStalledCount is failed by BullMQ itself when a
 * worker next picks it up, without running our processor. Report it (called for every BullMQ
 * `failed` event, it ignores the failures the processor already reported), or the job record
 * would stay `running` forever.
 */
export function reportLostJob(job: Job | undefined, error: Error, events: EventSink, logger: Logger): void {
  if (!job?.deferredFailure || error.message !== job.deferredFailure) return;
  const { jobId, attemptBase } = (job.data ?? {}) as { jobId?: unknown; attemptBase?: unknown };
  if (typeof jobId !== 'string') return;
  // BullMQ counts this job's own runs; a re-enqueued job's numbering continues from attemptBase.
  const base = Number.isInteger(attemptBase) ? (attemptBase as number) : 0;
  logger.error({ jobId, reason: job.deferredFailure }, 'job lost: its worker stopped too many times');
  events
    .publish({
      type: 'failed',
      jobId,
      attempt: base + Math.max(1, job.attemptsMade),
      at: new Date().toISOString(),
      error: {
        code: JOB_ERROR_CODES.workerLost,
        message: `${job.deferredFailure}: the worker running it stopped without finishing`,
        retryable: false,
      },
    })
    .catch((publishError) => logger.error({ err: publishError, jobId }, 'could not report a lost job'));
}
