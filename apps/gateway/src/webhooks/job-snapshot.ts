import { DataSource } from 'typeorm';
import { JobEntity } from '@validahub/jobs-persistence';
import { toJobView, JobView } from '../jobs/job-views';

/**
 * The job as `GET /jobs/{id}` shows it, from a `jobs` row captured as JSON by the outbox trigger
 * (column names, ISO strings for timestamps). Mapped through the entity's own column metadata,
 * so a column added to the jobs table needs no change here.
 */
export function jobViewFromRow(dataSource: DataSource, row: Record<string, unknown>): JobView {
  const job = new JobEntity() as unknown as Record<string, unknown>;
  for (const column of dataSource.getMetadata(JobEntity).columns) {
    const value = row[column.databaseName];
    job[column.propertyName] = isTimestamp(column.type) && typeof value === 'string' ? new Date(value) : value === undefined ? null : value;
  }
  if (typeof job.progress === 'string') job.progress = Number(job.progress);
  return toJobView(job as unknown as JobEntity);
}

function isTimestamp(type: unknown): boolean {
  return type === Date || type === 'timestamptz' || type === 'timestamp with time zone' || type === 'timestamp';
}
