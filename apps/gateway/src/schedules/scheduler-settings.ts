/** The scheduler's knobs; production uses the defaults, tests shorten them. */
export interface SchedulerSettings {
  /** Run the scheduler loop in this process (default true; every replica may). */
  enabled: boolean;
  /** How often due schedules are looked for (a 1 s schedule needs well under a second). */
  tickMs: number;
  /**
   * A fire this late is still on time; later ones count as missed while nothing ran, and the
   * schedule's misfire policy decides (skip them, or run one).
   */
  misfireGraceMs: number;
  /** Due schedules taken per tick. */
  batchSize: number;
}

export function resolveSchedulerSettings(overrides: Partial<SchedulerSettings> = {}): SchedulerSettings {
  return { enabled: true, tickMs: 250, misfireGraceMs: 5_000, batchSize: 20, ...overrides };
}
