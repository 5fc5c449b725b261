import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CronPlan } from './cron-plan';
import { firesToRun } from './fire-plan';
import { SCHEDULE_COLUMNS, ScheduleRecord, toSchedule } from './schedule-records';
import { ScheduleFirer } from './schedule-firer';
import { SchedulerSettings } from './scheduler-settings';
import { SCHEDULER_SETTINGS } from './schedules.tokens';

/** Most due times looked at for one schedule in one tick (a 1 s schedule down for a long time has many). */
const MAX_DUE_PER_TICK = 1_000;

/**
 * Fires due schedules. Runs in every gateway replica: each tick takes due schedules with
 * `FOR NO KEY UPDATE SKIP LOCKED` (NO KEY: the fire's `schedule_runs` row references the schedule
 * from another transaction, and its foreign-key check must not wait for this one), so a schedule is handled by one replica at a time, fires its due
 * times through ScheduleFirer (idempotent: a replica that died after creating a fire's job but
 * before moving `next_run_at` on leaves a fire that the next one replays, not repeats), then
 * moves `next_run_at` to the next fire after now and commits.
 */
@Injectable()
export class Scheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Scheduler');
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly firer: ScheduleFirer,
    @Inject(SCHEDULER_SETTINGS) private readonly settings: SchedulerSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }

  /** One pass over the due schedules; returns how many were handled. */
  async tick(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE enabled AND next_run_at <= now()
          ORDER BY next_run_at LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED`,
        [this.settings.batchSize],
      );
      for (const row of rows) await this.handle(manager, toSchedule(row));
      return rows.length;
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`scheduler tick failed: ${String(error)}`))
        .finally(() => this.schedule());
    }, this.settings.tickMs);
  }

  private async handle(manager: EntityManager, schedule: ScheduleRecord): Promise<void> {
    const now = new Date();
    let plan: CronPlan;
    try {
      plan = new CronPlan(schedule.cron, schedule.timezone);
    } catch (error) {
      // Checked when saved; a timezone that left the runtime's database would land here.
      this.logger.error({ schedule_id: schedule.id, error: String(error) }, 'schedule no longer parses; paused');
      await manager.query(`UPDATE schedules SET enabled = false, next_run_at = NULL, updated_at = now() WHERE id = $1`, [schedule.id]);
      return;
    }
    const first = schedule.nextRunAt as Date;
    const due = [first, ...plan.between(first, now, MAX_DUE_PER_TICK)];
    let lastFired = schedule.lastRunAt;
    let resumeAt: Date | null = null;
    for (const at of firesToRun(due, now, this.settings.misfireGraceMs, schedule.misfire)) {
      const outcome = await this.firer.fire(schedule, at);
      if (outcome.kind === 'busy') {
        // Another replica holds this fire's key: leave it (and what follows) for a later tick.
        resumeAt = at;
        break;
      }
      lastFired = at;
    }
    const next = resumeAt ?? plan.next(now);
    await manager.query(`UPDATE schedules SET next_run_at = $2, last_run_at = $3 WHERE id = $1`, [schedule.id, next, lastFired]);
  }
}
