import { AbortReason, JobRun } from './job-run';

/**
 * The attempts this process is running, so cancel requests and shutdown can reach them. A
 * cancel for a job not running here is remembered briefly: it may be picked up a moment later
 * (the gateway could not remove it from the queue because it was already being fetched).
 */
export class ActiveRuns {
  private readonly runs = new Map<string, JobRun>();
  private readonly recentCancels = new Map<string, { reason: string; until: number }>();

  constructor(private readonly rememberCancelMs = 60_000) {}

  /**
   * A new run of a job still running here means the older run lost its lock (the job was
   * recovered as stalled and fetched again by this very worker, whose lock renewals now carry
   * the new token): the older run is aborted as `lock_lost`. True when that happened.
   */
  add(jobId: string, run: JobRun): boolean {
    const older = this.runs.get(jobId);
    older?.abort('lock_lost');
    this.runs.set(jobId, run);
    return older !== undefined;
  }

  remove(jobId: string, run: JobRun): void {
    if (this.runs.get(jobId) === run) this.runs.delete(jobId);
  }

  get size(): number {
    return this.runs.size;
  }

  /** True when a run of this job was here and accepted the cancel. */
  cancel(jobId: string, reason: string): boolean {
    const run = this.runs.get(jobId);
    if (run) return run.abort('cancelled', reason);
    this.pruneCancels();
    this.recentCancels.set(jobId, { reason, until: Date.now() + this.rememberCancelMs });
    return false;
  }

  /** A cancel that arrived shortly before this job was picked up, if any. */
  takeEarlyCancel(jobId: string): string | null {
    const found = this.recentCancels.get(jobId);
    this.recentCancels.delete(jobId);
    return found && found.until > Date.now() ? found.reason : null;
  }

  /** BullMQ could not renew these jobs' locks: their runs here must stop (another worker may own them now). */
  abortLockLost(jobIds: readonly string[]): string[] {
    return jobIds.filter((jobId) => this.runs.get(jobId)?.abort('lock_lost') ?? false);
  }

  abortAll(reason: AbortReason): number {
    let aborted = 0;
    for (const run of this.runs.values()) if (run.abort(reason)) aborted += 1;
    return aborted;
  }

  private pruneCancels(): void {
    const now = Date.now();
    for (const [id, entry] of this.recentCancels) if (entry.until <= now) this.recentCancels.delete(id);
  }
}
