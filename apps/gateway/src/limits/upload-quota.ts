import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@validahub/config';
import { returnedRows } from '@validahub/jobs-persistence';
import type { RequestAuth } from '../auth/request-auth';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { limitProblems } from './limit-problems';
import { limitsFor } from './tenant-limits';

/**
 * Stored upload bytes per tenant. An upload's size is known only once stored, so the quota is
 * checked twice: before reading (a tenant already at its quota is refused at once) and after
 * storing, where the bytes are added to `tenant_usage.upload_bytes` only if they fit (the row
 * lock makes concurrent uploads, on any replica, add up exactly); one that does not fit is
 * deleted by the caller and refused. Every upload is recorded in `uploads` for retention.
 */
@Injectable()
export class UploadQuota {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  /** Throws 429 quota-exceeded when the tenant has no room left at all (closing: the upload is left unread). */
  async checkRoom(auth: RequestAuth): Promise<void> {
    const quota = this.quotaOf(auth);
    if (quota === null) return;
    const rows: { upload_bytes: string }[] = await this.dataSource.query(`SELECT upload_bytes FROM tenant_usage WHERE tenant_id = $1`, [
      auth.tenant.id,
    ]);
    if (rows.length && Number(rows[0].upload_bytes) >= quota) throw limitProblems.quotaExceeded('upload_bytes', quota, { Connection: 'close' });
  }

  /** Counts a stored upload; throws 429 (nothing counted or recorded) when it does not fit. */
  async record(auth: RequestAuth, uri: string, bytes: number): Promise<void> {
    const quota = this.quotaOf(auth);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO tenant_usage (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING`, [auth.tenant.id]);
      const added = await returnedRows<{ upload_bytes: string }>(
        manager.query(
          `UPDATE tenant_usage SET upload_bytes = upload_bytes + $2
            WHERE tenant_id = $1 AND ($3::bigint IS NULL OR upload_bytes + $2 <= $3::bigint) RETURNING upload_bytes`,
          [auth.tenant.id, bytes, quota],
        ),
      );
      if (!added.length) throw limitProblems.quotaExceeded('upload_bytes', quota ?? 0);
      await manager.query(`INSERT INTO uploads (tenant_id, uri, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [auth.tenant.id, uri, bytes]);
    });
  }

  private quotaOf(auth: RequestAuth): number | null {
    return limitsFor(auth, this.config.limits)?.uploadBytes ?? null;
  }
}
