import type { Provider } from '@nestjs/common';
import type { AppConfig } from '@validahub/config';
import type { JobEntity } from '@validahub/jobs-persistence';
import { NEW_JOB_ENQUEUER } from '../gateway.tokens';
import { JobEnqueuer } from './job-enqueuer';

/** What create needs of the enqueuer (NEW_JOB_ENQUEUER). */
export type NewJobEnqueuer = Pick<JobEnqueuer, 'enqueue' | 'enqueueMany'>;

/**
 * Fault-injection wrapper for the reliability suite: with TEST_CRASH_AFTER_INSERT=n (accepted by
 * the config only together with ENABLE_TEST_TASKS=true) the gateway dies like a killed process
 * right after the n-th created job committed (a batch counts each of its jobs) and before it was enqueued, the gap the reconciler
 * exists to close.
 */
export class CrashAfterInsert implements NewJobEnqueuer {
  private insertsSoFar = 0;

  constructor(
    private readonly next: NewJobEnqueuer,
    private readonly due: number,
    private readonly exit: (code: number) => never = process.exit,
  ) {}

  enqueue(job: JobEntity): Promise<boolean> {
    this.insertsSoFar += 1;
    if (this.insertsSoFar >= this.due) this.exit(137);
    return this.next.enqueue(job);
  }

  enqueueMany(jobs: readonly JobEntity[], traceparents?: readonly (string | undefined)[]): Promise<boolean> {
    this.insertsSoFar += jobs.length;
    if (jobs.length && this.insertsSoFar >= this.due) this.exit(137);
    return this.next.enqueueMany(jobs, traceparents);
  }
}

/**
 * Decided once, when the module is built: create gets the JobEnqueuer itself, and only a
 * fault-injection configuration gets the crashing wrapper, so the production path never
 * consults the hook.
 */
export function newJobEnqueuerProvider(config: AppConfig): Provider {
  const due = config.execution.testCrashAfterInsert;
  if (due <= 0 || !config.worker.enableTestTasks) return { provide: NEW_JOB_ENQUEUER, useExisting: JobEnqueuer };
  return { provide: NEW_JOB_ENQUEUER, inject: [JobEnqueuer], useFactory: (enqueuer: JobEnqueuer) => new CrashAfterInsert(enqueuer, due) };
}
