import { Cron } from 'croner';
import type { Plan } from '@validahub/jobs-domain';

/** The shortest gap between two fires a plan may schedule (contract: free 1 h, pro 5 min, business 1 min, enterprise 1 s). */
export const MIN_INTERVAL_MS: Record<Plan, number> = { free: 3_600_000, pro: 300_000, business: 60_000, enterprise: 1_000 };

/** DST moves clocks by 30 min (Lord Howe), 1 h (most places) or 2 h (historical): a wall time can repeat after any of these. */
const DST_SHIFTS_MS = [1_800_000, 3_600_000, 7_200_000];
/** Fires looked at to find a schedule's shortest gap. */
const GAP_SAMPLE = 200;

export class CronPlanError extends Error {
  constructor(
    readonly field: 'cron' | 'timezone',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A schedule's cron expression in its IANA timezone, on croner. Standard 5 fields (minute
 * precision); 6 fields add seconds in front. DST as the contract says cron does: a local time
 * that does not exist that day does not fire, and one that happens twice fires once (the first).
 */
export class CronPlan {
  private readonly cron: Cron;
  private readonly wallClock: Intl.DateTimeFormat;
  readonly withSeconds: boolean;

  constructor(expression: string, timezone: string) {
    if (!isTimeZone(timezone)) throw new CronPlanError('timezone', `unknown IANA timezone "${timezone}"`);
    const fields = expression.trim().split(/\s+/).length;
    if (fields !== 5 && fields !== 6) throw new CronPlanError('cron', `expected 5 fields (or 6 with seconds first), got ${fields}`);
    this.withSeconds = fields === 6;
    try {
      this.cron = new Cron(expression, { timezone, paused: true, mode: this.withSeconds ? '6-part' : '5-part' });
    } catch (error) {
      throw new CronPlanError('cron', error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error));
    }
    this.wallClock = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (!this.next(new Date())) throw new CronPlanError('cron', 'the expression never fires');
  }

  /** The first fire strictly after `after`, or null when there is none. */
  next(after: Date): Date | null {
    let from = after;
    for (let guard = 0; guard < 10_000; guard++) {
      const candidate = this.cron.nextRun(from);
      if (!candidate) return null;
      if (this.cron.match(candidate) && !this.isRepeatedWallTime(candidate)) return candidate;
      from = candidate;
    }
    return null;
  }

  /** Fires in (after, until], oldest first, at most `limit`. */
  between(after: Date, until: Date, limit: number): Date[] {
    const fires: Date[] = [];
    let cursor: Date | null = after;
    while (fires.length < limit && (cursor = this.next(cursor)) && cursor.getTime() <= until.getTime()) fires.push(cursor);
    return fires;
  }

  /** The shortest gap between consecutive fires over the next GAP_SAMPLE fires. */
  shortestGapMs(from = new Date()): number {
    let shortest = Infinity;
    let previous = this.next(from);
    for (let i = 0; previous && i < GAP_SAMPLE; i++) {
      const following = this.next(previous);
      if (!following) break;
      shortest = Math.min(shortest, following.getTime() - previous.getTime());
      previous = following;
    }
    return shortest;
  }

  /** Whether this instant's local time already happened earlier that night (the second pass after a fall-back). */
  private isRepeatedWallTime(at: Date): boolean {
    const wall = this.wallClock.format(at);
    return DST_SHIFTS_MS.some((shift) => this.wallClock.format(new Date(at.getTime() - shift)) === wall);
  }
}

function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why a plan may not have this schedule, or null when it may. */
export function planRefusal(plan: Plan, cron: CronPlan): string | null {
  if (cron.withSeconds && plan !== 'enterprise') return `6-field (seconds) cron expressions need the enterprise plan; this tenant is on ${plan}`;
  const gap = cron.shortestGapMs();
  if (gap < MIN_INTERVAL_MS[plan]) {
    return `fires every ${gap / 1_000} s at times; the ${plan} plan allows at least ${MIN_INTERVAL_MS[plan] / 1_000} s between fires`;
  }
  return null;
}
