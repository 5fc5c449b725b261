import type { JobEntity, PageKey, QuietPage } from '@validahub/jobs-persistence';

/**
 * Where the reconciler is in one kind of unfinished job, pass after pass: the key to continue
 * after (null: from the oldest), and the jobs found missing from Redis at their last check,
 * with the `updated_at` they had then. A job counts as lost only when two checks in a row found
 * it missing and untouched. When a kind fits in one page, every pass checks every job and "in a
 * row" means two consecutive passes; while the cursor pages through a larger backlog, a job's
 * next check comes one cycle (one walk through the backlog) later.
 */
export class KindCursor {
  position: PageKey | null = null;
  private cycle = 0;
  private readonly suspects = new Map<string, { updatedAt: number; cycle: number }>();

  /** Records one check of a job; true when it was missing now and at its previous check, untouched since. */
  checked(job: Pick<JobEntity, 'id' | 'updatedAt'>, missing: boolean): boolean {
    const previous = this.suspects.get(job.id);
    const updatedAt = job.updatedAt.getTime();
    if (!missing) {
      this.suspects.delete(job.id);
      return false;
    }
    if (previous?.updatedAt === updatedAt) {
      this.suspects.delete(job.id);
      return true;
    }
    this.suspects.set(job.id, { updatedAt, cycle: this.cycle });
    return false;
  }

  /**
   * After a page: continue after it. A page that reached the end closes a cycle; a suspect from
   * before that cycle was not met again during it, so its job is no longer quiet (it moved on or
   * finished) and the suspicion is dropped.
   */
  advance(page: QuietPage): void {
    this.position = page.next;
    if (page.next !== null) return;
    for (const [id, suspect] of this.suspects) if (suspect.cycle < this.cycle) this.suspects.delete(id);
    this.cycle += 1;
  }
}
