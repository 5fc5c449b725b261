import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobStatus } from '@validahub/jobs-domain';

/** One audit row, as the stream turns it into a `status` event. */
export interface TransitionRow {
  id: number;
  toStatus: JobStatus;
  attempt: number;
  progress: number | null;
  message: string | null;
}

/** Reads a job's audit trail by id for the event stream (the job itself was tenant-checked already). */
@Injectable()
export class JobTransitions {
  constructor(private readonly dataSource: DataSource) {}

  async latestId(jobId: string): Promise<number> {
    const rows: { id: string | null }[] = await this.dataSource.query(`SELECT max(id) AS id FROM job_events WHERE job_id = $1`, [jobId]);
    return rows[0]?.id === null || rows[0]?.id === undefined ? 0 : Number(rows[0].id);
  }

  async after(jobId: string, auditId: number): Promise<TransitionRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, to_status, attempt, progress, message FROM job_events WHERE job_id = $1 AND id > $2 ORDER BY id`,
      [jobId, auditId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      toStatus: row.to_status as JobStatus,
      attempt: row.attempt as number,
      progress: row.progress === null ? null : Number(row.progress),
      message: (row.message as string | null) ?? null,
    }));
  }
}
