import { MigrationInterface, QueryRunner } from 'typeorm';

// Spelled out rather than imported, so the migration keeps meaning what it meant.
const UNFINISHED = `'queued', 'running', 'retrying'`;

/**
 * Per-tenant usage kept exact by Postgres itself:
 * - `tenant_usage.unfinished_jobs` (and per priority) is maintained by triggers on `jobs`, so
 *   every path that creates or finishes a job (API, event applier, reconciler, expiry) counts;
 * - the insert trigger refuses a job over `unfinished_quota` (SQLSTATE VH429): the counter row
 *   is locked by the increment, so concurrent creates on any replica cannot overshoot;
 * - it also stamps `jobs.fair_rank`: how many of the tenant's unfinished jobs of this priority
 *   or higher exist with this one, which the queue order uses to share a tier between tenants;
 * - `uploads` records stored files (bytes and time) for the storage quota and retention.
 * (The job columns it fills, fair_rank and result_expired_at, come with the jobs migrations.)
 */
export class TenantUsage1768000000100 implements MigrationInterface {
  name = 'TenantUsage1768000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant_usage (
        tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        unfinished_jobs integer NOT NULL DEFAULT 0,
        unfinished_by_priority integer[] NOT NULL DEFAULT array_fill(0, ARRAY[10]),
        unfinished_quota integer,
        upload_bytes bigint NOT NULL DEFAULT 0,
        CONSTRAINT tenant_usage_upload_bytes_check CHECK (upload_bytes >= 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE uploads (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        uri text NOT NULL,
        bytes bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, uri)
      )`);
    await queryRunner.query(`CREATE INDEX uploads_created_idx ON uploads (created_at)`);

    await queryRunner.query(`
      CREATE FUNCTION jobs_usage_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        usage tenant_usage%ROWTYPE;
      BEGIN
        IF NEW.status NOT IN (${UNFINISHED}) THEN RETURN NEW; END IF;
        LOOP
          -- The row lock taken here serialises the tenant's concurrent creates until commit.
          UPDATE tenant_usage AS u
             SET unfinished_jobs = u.unfinished_jobs + 1,
                 unfinished_by_priority[NEW.priority] = u.unfinished_by_priority[NEW.priority] + 1
           WHERE u.tenant_id = NEW.tenant_id
          RETURNING * INTO usage;
          EXIT WHEN FOUND;
          INSERT INTO tenant_usage (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO NOTHING;
        END LOOP;
        IF usage.unfinished_quota IS NOT NULL AND usage.unfinished_jobs > usage.unfinished_quota THEN
          RAISE EXCEPTION 'tenant % is at its quota of % unfinished jobs', NEW.tenant_id, usage.unfinished_quota
            USING ERRCODE = 'VH429', DETAIL = usage.unfinished_quota::text;
        END IF;
        NEW.fair_rank := (SELECT sum(n) FROM unnest(usage.unfinished_by_priority[NEW.priority:10]) AS n);
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION jobs_usage_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        was boolean := TG_OP <> 'INSERT' AND OLD.status IN (${UNFINISHED});
        is_now boolean := TG_OP = 'UPDATE' AND NEW.status IN (${UNFINISHED});
      BEGIN
        IF was AND NOT is_now THEN
          UPDATE tenant_usage AS u
             SET unfinished_jobs = greatest(u.unfinished_jobs - 1, 0),
                 unfinished_by_priority[OLD.priority] = greatest(u.unfinished_by_priority[OLD.priority] - 1, 0)
           WHERE u.tenant_id = OLD.tenant_id;
        ELSIF is_now AND NOT was THEN
          UPDATE tenant_usage AS u
             SET unfinished_jobs = u.unfinished_jobs + 1,
                 unfinished_by_priority[NEW.priority] = u.unfinished_by_priority[NEW.priority] + 1
           WHERE u.tenant_id = NEW.tenant_id;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER jobs_usage_insert BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_usage_on_insert()`);
    await queryRunner.query(
      `CREATE TRIGGER jobs_usage_status AFTER UPDATE OF status ON jobs FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION jobs_usage_on_change()`,
    );
    await queryRunner.query(`CREATE TRIGGER jobs_usage_delete AFTER DELETE ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_usage_on_change()`);

    // Jobs unfinished at upgrade time are counted from the start.
    await queryRunner.query(`
      INSERT INTO tenant_usage (tenant_id, unfinished_jobs, unfinished_by_priority)
      SELECT tenant_id, sum(n)::int, array_agg(n ORDER BY p)::int[]
        FROM (SELECT t.tenant_id, p, count(j.id)::int AS n
                FROM (SELECT DISTINCT tenant_id FROM jobs WHERE status IN (${UNFINISHED})) t
                CROSS JOIN generate_series(1, 10) p
                LEFT JOIN jobs j ON j.tenant_id = t.tenant_id AND j.priority = p AND j.status IN (${UNFINISHED})
               GROUP BY t.tenant_id, p) counts
       GROUP BY tenant_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER jobs_usage_delete ON jobs`);
    await queryRunner.query(`DROP TRIGGER jobs_usage_status ON jobs`);
    await queryRunner.query(`DROP TRIGGER jobs_usage_insert ON jobs`);
    await queryRunner.query(`DROP FUNCTION jobs_usage_on_change()`);
    await queryRunner.query(`DROP FUNCTION jobs_usage_on_insert()`);
    await queryRunner.query(`DROP TABLE uploads`);
    await queryRunner.query(`DROP TABLE tenant_usage`);
  }
}
