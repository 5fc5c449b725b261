import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '@validahub/jobs-persistence';

/** One immutable version of a template. */
export interface TemplateVersion {
  name: string;
  version: number;
  taskName: string;
  params: Record<string, unknown>;
  priority: number | null;
  description: string | null;
  createdAt: Date;
}

const COLUMNS = 'name, version, task_name, params, priority, description, created_at';
const UNIQUE_VIOLATION = '23505';

/** Templates in Postgres, always scoped by tenant; deleted ones are hidden, their numbers never reused. */
@Injectable()
export class TemplateStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The next version of `name` (1 for a new name); two concurrent posts get two numbers. */
  async add(tenantId: string, spec: Omit<TemplateVersion, 'version' | 'createdAt'>): Promise<TemplateVersion> {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows: Record<string, unknown>[] = await this.dataSource.query(
          `INSERT INTO job_templates (tenant_id, name, version, task_name, params, priority, description)
           SELECT $1::uuid, $2::varchar, coalesce(max(version), 0) + 1, $3::varchar, $4::jsonb, $5::smallint, $6::text
           FROM job_templates WHERE tenant_id = $1::uuid AND name = $2::varchar
           RETURNING ${COLUMNS}`,
          [tenantId, spec.name, spec.taskName, JSON.stringify(spec.params), spec.priority, spec.description],
        );
        return toVersion(rows[0]);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= 5) throw error;
      }
    }
  }

  /** The latest version, or the one asked for; null when there is none (or the template was deleted). */
  async find(tenantId: string, name: string, version?: number): Promise<TemplateVersion | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM job_templates WHERE tenant_id = $1 AND name = $2 AND deleted_at IS NULL
       ${version === undefined ? '' : 'AND version = $3'} ORDER BY version DESC LIMIT 1`,
      version === undefined ? [tenantId, name] : [tenantId, name, version],
    );
    return rows.length ? toVersion(rows[0]) : null;
  }

  /** The latest version of each template, by name. */
  async latestOfEach(tenantId: string): Promise<TemplateVersion[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT DISTINCT ON (name) ${COLUMNS} FROM job_templates WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY name, version DESC`,
      [tenantId],
    );
    return rows.map(toVersion);
  }

  /** Hides every version; false when there was none to hide. */
  async remove(tenantId: string, name: string): Promise<boolean> {
    const rows = await returnedRows(
      this.dataSource.query(
        `UPDATE job_templates SET deleted_at = now() WHERE tenant_id = $1 AND name = $2 AND deleted_at IS NULL RETURNING version`,
        [tenantId, name],
      ),
    );
    return rows.length > 0;
  }
}

function toVersion(row: Record<string, unknown>): TemplateVersion {
  return {
    name: row.name as string,
    version: row.version as number,
    taskName: row.task_name as string,
    params: row.params as Record<string, unknown>,
    priority: (row.priority as number | null) ?? null,
    description: (row.description as string | null) ?? null,
    createdAt: row.created_at as Date,
  };
}
