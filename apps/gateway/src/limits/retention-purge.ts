import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@validahub/config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { TenantStorage } from '../tenancy/tenant-storage';

/** Rows handled per transaction: a purge never holds many locks, and replicas share the work. */
export const PURGE_BATCH = 100;

export interface PurgeReport {
  uploads: number;
  uploadBytes: number;
  results: number;
}

interface ExpiredUpload {
  tenant_id: string;
  uri: string;
  bytes: string;
}

interface ExpiredResult {
  id: string;
  tenant_id: string;
  result_ref: string | null;
  summary: Record<string, unknown> | null;
}

/**
 * Removes uploads older than UPLOAD_RETENTION_DAYS and the results of jobs finished longer ago
 * than RESULT_RETENTION_DAYS. Batched (PURGE_BATCH rows per transaction), idempotent (deleting
 * a missing object is fine; a row is settled in the same transaction that locked it) and safe
 * with several gateway replicas (`FOR UPDATE SKIP LOCKED`: each batch is one replica's). An
 * object that cannot be deleted (storage down) leaves its row for the next pass. A purged
 * upload gives its bytes back to the tenant's quota; a purged result marks the job
 * `result_expired_at`, and its content answers 410 result-expired from then on.
 */
@Injectable()
export class RetentionPurge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RetentionPurge');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly storage: TenantStorage,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.limits.retentionPurgeIntervalMs;
    if (every <= 0) return;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.purgeOnce()
        .then((report) => (report.uploads || report.results ? this.logger.log(report, 'retention purge') : undefined))
        .catch((error: unknown) => this.logger.warn({ err: error }, 'retention purge failed; will retry'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, every).unref();
        });
    };
    this.timer = setTimeout(tick, Math.min(every, 60_000)).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Purges everything past retention now, batch after batch. */
  async purgeOnce(now = new Date()): Promise<PurgeReport> {
    const report: PurgeReport = { uploads: 0, uploadBytes: 0, results: 0 };
    const day = 86_400_000;
    const uploadsBefore = new Date(now.getTime() - this.config.limits.uploadRetentionDays * day);
    const resultsBefore = new Date(now.getTime() - this.config.limits.resultRetentionDays * day);
    for (;;) {
      const batch = await this.dataSource.transaction((manager) => this.purgeUploads(manager, uploadsBefore));
      report.uploads += batch.count;
      report.uploadBytes += batch.bytes;
      if (batch.locked < PURGE_BATCH) break;
    }
    for (;;) {
      const batch = await this.dataSource.transaction((manager) => this.purgeResults(manager, resultsBefore));
      report.results += batch.count;
      if (batch.locked < PURGE_BATCH) break;
    }
    return report;
  }

  private async purgeUploads(manager: EntityManager, before: Date): Promise<{ locked: number; count: number; bytes: number }> {
    const rows: ExpiredUpload[] = await manager.query(
      `SELECT tenant_id, uri, bytes FROM uploads WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [before, PURGE_BATCH],
    );
    const gone: ExpiredUpload[] = [];
    for (const row of rows) if (await this.deleteObjects(row.tenant_id, [row.uri])) gone.push(row);
    if (!gone.length) return { locked: rows.length, count: 0, bytes: 0 };
    await manager.query(
      `DELETE FROM uploads u USING unnest($1::uuid[], $2::text[]) AS g(tenant_id, uri) WHERE u.tenant_id = g.tenant_id AND u.uri = g.uri`,
      [gone.map((r) => r.tenant_id), gone.map((r) => r.uri)],
    );
    const freed = new Map<string, number>();
    for (const row of gone) freed.set(row.tenant_id, (freed.get(row.tenant_id) ?? 0) + Number(row.bytes));
    await manager.query(
      `UPDATE tenant_usage t SET upload_bytes = greatest(t.upload_bytes - f.bytes, 0)
         FROM unnest($1::uuid[], $2::bigint[]) AS f(tenant_id, bytes) WHERE t.tenant_id = f.tenant_id`,
      [[...freed.keys()], [...freed.values()]],
    );
    return { locked: rows.length, count: gone.length, bytes: [...freed.values()].reduce((a, b) => a + b, 0) };
  }

  private async purgeResults(manager: EntityManager, before: Date): Promise<{ locked: number; count: number }> {
    const rows: ExpiredResult[] = await manager.query(
      `SELECT id, tenant_id, result_ref, summary FROM jobs
        WHERE result_ref IS NOT NULL AND result_expired_at IS NULL AND finished_at < $1
        ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [before, PURGE_BATCH],
    );
    const gone: string[] = [];
    for (const row of rows) if (await this.deleteObjects(row.tenant_id, resultObjects(row))) gone.push(row.id);
    if (gone.length) await manager.query(`UPDATE jobs SET result_expired_at = now() WHERE id = ANY($1::uuid[])`, [gone]);
    return { locked: rows.length, count: gone.length };
  }

  /** True when every object is gone (or was already); objects outside the tenant's storage are never touched. */
  private async deleteObjects(tenantId: string, uris: string[]): Promise<boolean> {
    const storage = this.storage.forAuth({ tenant: { id: tenantId, name: '', plan: 'free', status: 'active', allowedBuckets: [] } });
    try {
      for (const uri of uris) await storage.delete(uri);
      return true;
    } catch (error) {
      this.logger.warn({ err: error, tenant_id: tenantId }, 'could not delete an expired object; will retry');
      return false;
    }
  }
}

/** The stored parts of a result: `result_ref` and every `*_ref` of its summary. */
export function resultObjects(job: { result_ref: string | null; summary: Record<string, unknown> | null }): string[] {
  const refs = Object.entries(job.summary ?? {})
    .filter(([key, value]) => key.endsWith('_ref') && typeof value === 'string' && value !== '')
    .map(([, value]) => value as string);
  return [...new Set([...(job.result_ref ? [job.result_ref] : []), ...refs])];
}
