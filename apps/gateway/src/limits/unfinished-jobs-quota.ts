import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@validahub/config';
import type { RequestAuth } from '../auth/request-auth';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { sqlStateOf } from '../jobs/insert-errors';
import { limitProblems } from './limit-problems';
import { limitsFor } from './tenant-limits';

/** SQLSTATE the jobs insert trigger raises for a job over its tenant's quota (see the tenant-usage migration). */
export const QUOTA_EXCEEDED_STATE = 'VH429';
/** How long a replica trusts that the quota it last wrote is the one in Postgres. */
const QUOTA_RECHECK_MS = 5_000;

/**
 * The unfinished-jobs quota. Postgres enforces it: the insert trigger counts the tenant's
 * unfinished jobs on its `tenant_usage` row (locked by the increment, so concurrent creates on
 * any number of replicas queue up behind each other) and refuses the job past
 * `unfinished_quota`. This class only keeps that column equal to the caller's current limit,
 * writing it when it changed (plan, override, configuration), not on every create.
 */
@Injectable()
export class UnfinishedJobsQuota {
  private readonly written = new Map<string, { quota: number | null; at: number }>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  /** Makes sure the tenant's row carries its quota; returns it (null: not limited). */
  async prepare(auth: RequestAuth): Promise<number | null> {
    const quota = limitsFor(auth, this.config.limits)?.unfinishedJobs ?? null;
    const tenantId = auth.tenant.id;
    const known = this.written.get(tenantId);
    if (known && known.quota === quota && Date.now() - known.at < QUOTA_RECHECK_MS) return quota;
    await this.dataSource.query(
      `INSERT INTO tenant_usage (tenant_id, unfinished_quota) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET unfinished_quota = EXCLUDED.unfinished_quota
       WHERE tenant_usage.unfinished_quota IS DISTINCT FROM EXCLUDED.unfinished_quota`,
      [tenantId, quota],
    );
    this.written.set(tenantId, { quota, at: Date.now() });
    return quota;
  }

  /** The 429 for an insert the trigger refused; undefined for any other error. */
  problemFor(error: unknown, quota: number | null) {
    if (sqlStateOf(error) !== QUOTA_EXCEEDED_STATE) return undefined;
    return limitProblems.quotaExceeded('unfinished_jobs', quota ?? 0);
  }
}
