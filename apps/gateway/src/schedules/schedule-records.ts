export const MISFIRE_POLICIES = ['skip', 'run_once'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

export interface ScheduleRecord {
  id: string;
  tenantId: string;
  name: string;
  cron: string;
  timezone: string;
  /** Exactly one of task and template is set. */
  task: string | null;
  /** `name` (the latest version at each fire) or `name@3`. */
  template: string | null;
  params: Record<string, unknown>;
  priority: number | null;
  enabled: boolean;
  misfire: MisfirePolicy;
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ScheduleRun {
  scheduledFor: Date;
  jobId: string;
  jobStatus: string;
  createdAt: Date;
}

export const SCHEDULE_COLUMNS =
  'id, tenant_id, name, cron, timezone, task, template, params, priority, enabled, misfire, next_run_at, last_run_at, created_at, updated_at';

export function toSchedule(row: Record<string, unknown>): ScheduleRecord {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    name: row.name as string,
    cron: row.cron as string,
    timezone: row.timezone as string,
    task: (row.task as string | null) ?? null,
    template: (row.template as string | null) ?? null,
    params: row.params as Record<string, unknown>,
    priority: (row.priority as number | null) ?? null,
    enabled: row.enabled as boolean,
    misfire: row.misfire as MisfirePolicy,
    nextRunAt: (row.next_run_at as Date | null) ?? null,
    lastRunAt: (row.last_run_at as Date | null) ?? null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
