import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@validahub/config';
import { ANONYMOUS_TENANT_ID, Plan } from '@validahub/jobs-domain';
import type { RequestAuth } from '../auth/request-auth';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { overriddenLimit } from './tenant-limits';

/** How long a replica uses a tenant's overrides before reading them again (an admin change holds within this). */
export const RUNNING_LIMIT_RECHECK_MS = 5_000;

/**
 * Each job's "running at once" limit, which the gateway puts in the job's signed payload for
 * the workers to enforce (they hold no database credentials): the tenant's override, else its
 * job's plan's. Every enqueue path needs it (create, batch, reconciler, workflows), so the
 * tenants' overrides are read here, in one query per enqueued batch, and kept a few seconds.
 */
@Injectable()
export class RunningLimits {
  private readonly logger = new Logger('RunningLimits');
  private readonly overrides = new Map<string, { values: Record<string, unknown>; at: number }>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Takes a caller's overrides as they were just authenticated (fresh: the key cache drops a
   * tenant on every admin change), so a create never waits on Postgres for them.
   */
  remember(auth: Pick<RequestAuth, 'tenant' | 'limitOverrides'>): void {
    this.overrides.set(auth.tenant.id, { values: auth.limitOverrides, at: Date.now() });
  }

  /** The limit of each job, in order; undefined when not limited (limits off, or open mode's anonymous tenant). */
  async of(jobs: readonly { tenantId: string; plan: Plan }[]): Promise<(number | undefined)[]> {
    if (!this.config.limits.enabled) return jobs.map(() => undefined);
    await this.load(jobs.map((job) => job.tenantId));
    return jobs.map((job) => {
      if (job.tenantId === ANONYMOUS_TENANT_ID) return undefined;
      const planLimit = this.config.limits.byPlan[job.plan].runningAtOnce;
      return overriddenLimit(this.overrides.get(job.tenantId)?.values ?? {}, 'runningAtOnce') ?? planLimit;
    });
  }

  private async load(tenantIds: readonly string[]): Promise<void> {
    const now = Date.now();
    const stale = [...new Set(tenantIds)].filter(
      (id) => id !== ANONYMOUS_TENANT_ID && !(now - (this.overrides.get(id)?.at ?? -Infinity) < RUNNING_LIMIT_RECHECK_MS),
    );
    if (!stale.length) return;
    try {
      const rows: { id: string; limit_overrides: Record<string, unknown> | null }[] = await this.dataSource.query(
        `SELECT id, limit_overrides FROM tenants WHERE id = ANY($1::uuid[])`,
        [stale],
      );
      const found = new Map(rows.map((row) => [row.id, row.limit_overrides ?? {}]));
      for (const id of stale) this.overrides.set(id, { values: found.get(id) ?? {}, at: now });
    } catch (error) {
      // The plan's limit (or the last overrides read) applies until Postgres answers again.
      this.logger.warn({ err: error }, "could not read tenants' limit overrides; using what is known");
    }
  }
}
