import { EntityManager } from 'typeorm';
import { JobStatus } from '@validahub/jobs-domain';
import { JobEventActor } from './entities/job-event.entity';
import { UnnestColumns, unnestRows } from './sql/parameters';

/** One row of the audit trail (`job_events`): a status change and who made it. */
export interface AuditRow {
  jobId: string;
  from: JobStatus | null;
  to: JobStatus;
  attempt: number;
  progress: number | null;
  message: string | null;
  actor: JobEventActor;
  at: Date | string;
}

const AUDIT_COLUMNS = {
  job_id: ['uuid', 'jobId'],
  from_status: ['text', 'from'],
  to_status: ['text', 'to'],
  attempt: ['int', 'attempt'],
  progress: ['numeric', 'progress'],
  message: ['text', 'message'],
  actor: ['text', 'actor'],
  at: ['timestamptz', 'at'],
} as const satisfies UnnestColumns<AuditRow>;

export type AuditColumn = keyof typeof AUDIT_COLUMNS;

/**
 * The one INSERT into the audit trail: every path that changes a job's status writes its rows
 * through here. `select` gives the SQL expression of each column over `from` (a table, a CTE or
 * a row source); a column it leaves out is read by its own name.
 */
export function insertAuditRowsSql(from: string, select: Partial<Record<AuditColumn, string>> = {}): string {
  const columns = Object.keys(AUDIT_COLUMNS) as AuditColumn[];
  return `INSERT INTO job_events (${columns.join(', ')})
     SELECT ${columns.map((column) => select[column] ?? column).join(', ')} FROM ${from}`;
}

/** Appends audit rows, any number in one statement, on the caller's transaction. */
export async function insertAuditRows(manager: EntityManager, rows: readonly AuditRow[]): Promise<void> {
  if (!rows.length) return;
  const source = unnestRows(rows, AUDIT_COLUMNS, 'audit');
  await manager.query(insertAuditRowsSql(source.sql), source.params);
}

export async function insertAuditRow(manager: EntityManager, row: AuditRow): Promise<void> {
  await insertAuditRows(manager, [row]);
}
