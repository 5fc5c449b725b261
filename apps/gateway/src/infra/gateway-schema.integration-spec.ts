import { randomUUID } from 'node:crypto';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { createJobsDataSource, JOBS_MIGRATIONS } from '@validahub/jobs-persistence';
import { createTestDatabase } from '@validahub/testing';
import { GATEWAY_EXTRA_MIGRATIONS } from './gateway-schema';

/**
 * Upgrading a database written in open mode before tenancy: its jobs and idempotency keys
 * belonged to the string 'anonymous'; after the migrations both belong to the anonymous
 * tenant's row, so replays and reads keep working in AUTH_MODE=open.
 */
describe('gateway schema: upgrading an open-mode database to tenancy', () => {
  it("moves the pre-tenancy jobs and idempotency keys to the anonymous tenant's id", async () => {
    const db = await createTestDatabase('schema_upgrade');
    const all = [...JOBS_MIGRATIONS, ...GATEWAY_EXTRA_MIGRATIONS].map((Migration) => new Migration());
    const before = all.filter((m) => ['CreateJobs1764300000000', 'CreateIdempotencyKeys1767225600000'].includes(m.constructor.name));
    // The rest in timestamp order, as TypeORM runs them: the uuid column first, then tenants and keys.
    const timestamp = (m: object) => Number(m.constructor.name.slice(-13));
    const after = all.filter((m) => !before.includes(m)).sort((a, b) => timestamp(a) - timestamp(b));
    const dataSource = await createJobsDataSource({ databaseUrl: db.url }).initialize();
    try {
      const runner = dataSource.createQueryRunner();
      for (const migration of before) await migration.up(runner);
      const jobId = randomUUID();
      await dataSource.query(
        `INSERT INTO jobs (id, task_name, status, params, priority, plan, queue, max_attempts, correlation_id)
         VALUES ($1, 'validate_csv_job', 'queued', '{}', 1, 'free', 'queue-free', 1, 'c')`,
        [jobId],
      );
      await dataSource.query(
        `INSERT INTO idempotency_keys (tenant_id, scope, idempotency_key, fingerprint, state, response_status, completed_at, expires_at)
         VALUES ('anonymous', 'POST /api/v1/jobs', 'test-123', repeat('0', 64), 'completed', 202, now(), now() + interval '1 day')`,
      );
      // The uuid column and tenancy first; later migrations (indexes, composition, report facts) follow them.
      expect(after.map((m) => m.constructor.name).slice(0, 2)).toEqual(['JobsTenantIdUuid1767300000000', 'CreateTenancy1767300000100']);
      for (const migration of after) await migration.up(runner);
      await runner.release();
      expect(await dataSource.query(`SELECT tenant_id FROM jobs WHERE id = $1`, [jobId])).toEqual([{ tenant_id: ANONYMOUS_TENANT_ID }]);
      // The limits' usage counters start from the unfinished jobs already there.
      expect(await dataSource.query(`SELECT tenant_id, unfinished_jobs FROM tenant_usage`)).toEqual([
        { tenant_id: ANONYMOUS_TENANT_ID, unfinished_jobs: 1 },
      ]);
      expect(await dataSource.query(`SELECT tenant_id FROM idempotency_keys WHERE idempotency_key = 'test-123'`)).toEqual([
        { tenant_id: ANONYMOUS_TENANT_ID },
      ]);
      expect(await dataSource.query(`SELECT name FROM tenants WHERE id = $1`, [ANONYMOUS_TENANT_ID])).toEqual([{ name: 'anonymous' }]);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});
