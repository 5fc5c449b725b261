import type { Plan } from '@validahub/jobs-domain';

/**
 * Where a slot waits after deferring a busy tenant's job (JobProcessor.defer): until its pause is
 * over, or sooner when new jobs reach its plan's queue. A newcomer's job then starts at once on
 * a parked slot instead of waiting for the busy tenant's next finish. Each arrived job wakes at
 * most one slot, longest parked first, so a tenant flooding creates cannot make parked slots
 * spin through its own backlog faster than it submits.
 */
export class ArrivalSignal {
  /** Per plan, the wake-ups of parked slots in the order they parked (a Set keeps insertion order). */
  private readonly parked = new Map<Plan, Set<() => void>>();

  /** Resolves after `pauseMs`, or when a job arrives on `plan`'s queue first. */
  park(plan: Plan, pauseMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.parked.get(plan) ?? new Set<() => void>();
      this.parked.set(plan, waiting);
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, pauseMs);
      waiting.add(wake);
    });
  }

  /** `count` jobs arrived on `plan`'s queue: wakes up to that many parked slots. Returns how many woke. */
  arrived(plan: Plan, count: number): number {
    const waiting = this.parked.get(plan);
    if (!waiting) return 0;
    let woken = 0;
    for (const wake of waiting) {
      if (woken >= count) break;
      wake();
      woken += 1;
    }
    return woken;
  }

  /** Slots parked on `plan` right now. */
  parkedOn(plan: Plan): number {
    return this.parked.get(plan)?.size ?? 0;
  }
}
