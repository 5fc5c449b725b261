import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '@validahub/jobs-persistence';
import { pageWithTotal } from '../infra/page-with-total';
import { SCHEDULE_COLUMNS, ScheduleRecord, ScheduleRun, toSchedule } from './schedule-records';

/** A schedule as saved: the record without what the store assigns (id, timestamps, last fire). */
export type NewSchedule = Omit<ScheduleRecord, 'id' | 'lastRunAt' | 'createdAt' | 'updatedAt'>;

export type ScheduleChanges = Partial<Omit<NewSchedule, 'tenantId'>>;

const COLUMN_OF: Record<keyof ScheduleChanges, string> = {
  name: 'name',
  cron: 'cron',
  timezone: 'timezone',
  task: 'task',
  template: 'template',
  params: 'params',
  priority: 'priority',
  enabled: 'enabled',
  misfire: 'misfire',
  nextRunAt: 'next_run_at',
};

/** Tenant-scoped reads and writes of schedules; another tenant's ids are not found. */
@Injectable()
export class ScheduleStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: NewSchedule): Promise<ScheduleRecord> {
    const rows = await this.dataSource.query(
      `INSERT INTO schedules (id, tenant_id, name, cron, timezone, task, template, params, priority, enabled, misfire, next_run_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${SCHEDULE_COLUMNS}`,
      [
        randomUUID(),
        input.tenantId,
        input.name,
        input.cron,
        input.timezone,
        input.task,
        input.template,
        JSON.stringify(input.params),
        input.priority,
        input.enabled,
        input.misfire,
        input.nextRunAt,
      ],
    );
    return toSchedule(rows[0]);
  }

  async list(tenantId: string, limit: number, offset: number): Promise<{ items: ScheduleRecord[]; total: number }> {
    const { rows, total } = await pageWithTotal(this.dataSource, {
      fromWhere: 'schedules WHERE tenant_id = $1',
      columns: SCHEDULE_COLUMNS,
      orderBy: 'created_at DESC, id',
      params: [tenantId],
      limit,
      offset,
    });
    return { items: rows.map(toSchedule), total };
  }

  async get(tenantId: string, id: string): Promise<ScheduleRecord | null> {
    const rows = await this.dataSource.query(`SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows.length ? toSchedule(rows[0]) : null;
  }

  async update(tenantId: string, id: string, changes: ScheduleChanges): Promise<ScheduleRecord | null> {
    const params: unknown[] = [tenantId, id];
    const sets = (Object.keys(changes) as (keyof ScheduleChanges)[])
      .filter((key) => changes[key] !== undefined)
      .map((key) => `${COLUMN_OF[key]} = $${params.push(key === 'params' ? JSON.stringify(changes[key]) : changes[key])}`);
    sets.push('updated_at = now()');
    const rows = await returnedRows<Record<string, unknown>>(
      this.dataSource.query(`UPDATE schedules SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING ${SCHEDULE_COLUMNS}`, params),
    );
    return rows.length ? toSchedule(rows[0]) : null;
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    const rows = await returnedRows(this.dataSource.query(`DELETE FROM schedules WHERE tenant_id = $1 AND id = $2 RETURNING id`, [tenantId, id]));
    return rows.length > 0;
  }

  /** The jobs a schedule created, newest fire first. */
  async runs(scheduleId: string, limit: number, offset: number): Promise<{ items: ScheduleRun[]; total: number }> {
    const { rows, total } = await pageWithTotal(this.dataSource, {
      fromWhere: 'schedule_runs r JOIN jobs j ON j.id = r.job_id WHERE r.schedule_id = $1',
      columns: 'r.scheduled_for, r.job_id, r.created_at, j.status',
      orderBy: 'r.scheduled_for DESC',
      params: [scheduleId],
      limit,
      offset,
    });
    const items = rows.map((row) => ({
      scheduledFor: row.scheduled_for as Date,
      jobId: row.job_id as string,
      jobStatus: row.status as string,
      createdAt: row.created_at as Date,
    }));
    return { items, total };
  }
}
