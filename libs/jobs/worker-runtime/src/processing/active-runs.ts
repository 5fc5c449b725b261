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

  add(jobId: string, run: JobRun): void {
    this.runs.set(jobId, run);
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
