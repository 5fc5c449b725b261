import { MigrationInterface, QueryRunner } from 'typeorm';

// Written out in full (not derived from the domain constants) so the migration stays what it
// was when it ran, whatever the code becomes. A new status means a new migration.
const STATUSES = `'queued', 'running', 'retrying', 'succeeded', 'failed', 'cancelled', 'expired'`;
const PLANS = `'free', 'pro', 'business', 'enterprise'`;

export class CreateJobs1764300000000 implements MigrationInterface {
  name = 'CreateJobs1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY,
        tenant_id varchar(64) NOT NULL DEFAULT 'anonymous',
        task_name varchar(64) NOT NULL,
        status varchar(16) NOT NULL,
        progress numeric(5,2) NOT NULL DEFAULT 0,
        message text,
        params jsonb NOT NULL,
        priority smallint NOT NULL,
        plan varchar(16) NOT NULL,
        queue varchar(64) NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        correlation_id varchar(128) NOT NULL,
        idempotency_key varchar(255),
        error jsonb,
        result_ref text,
        summary jsonb,
        cancel_requested boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        started_at timestamptz,
        finished_at timestamptz,
        expires_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT jobs_status_check CHECK (status IN (${STATUSES})),
        CONSTRAINT jobs_plan_check CHECK (plan IN (${PLANS})),
        CONSTRAINT jobs_priority_check CHECK (priority BETWEEN 1 AND 10),
        CONSTRAINT jobs_progress_check CHECK (progress >= 0 AND progress <= 100),
        CONSTRAINT jobs_attempts_check CHECK (attempts >= 0 AND max_attempts >= 1)
      )`);
    // created_at is cut to milliseconds, the precision of the ISO strings clients filter with.
    // Every list query is tenant-scoped and newest first; one index per filter keeps them index scans.
    await queryRunner.query(`CREATE INDEX jobs_tenant_created_idx ON jobs (tenant_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX jobs_tenant_status_created_idx ON jobs (tenant_id, status, created_at DESC)`);
    await queryRunner.query(`CREATE INDEX jobs_tenant_task_created_idx ON jobs (tenant_id, task_name, created_at DESC)`);
    await queryRunner.query(`CREATE INDEX jobs_tenant_plan_created_idx ON jobs (tenant_id, plan, created_at DESC)`);
    // The reconciler scans only waiting jobs; a partial index keeps that cheap as history grows.
    await queryRunner.query(`CREATE INDEX jobs_waiting_idx ON jobs (created_at) WHERE status IN ('queued', 'retrying')`);
    await queryRunner.query(`
      CREATE TABLE job_events (
        id bigserial PRIMARY KEY,
        job_id uuid NOT NULL,
        from_status varchar(16),
        to_status varchar(16) NOT NULL,
        attempt integer NOT NULL,
        progress numeric(5,2),
        message text,
        actor varchar(32) NOT NULL,
        at timestamptz NOT NULL,
        CONSTRAINT job_events_job_fk FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE,
        CONSTRAINT job_events_to_status_check CHECK (to_status IN (${STATUSES}))
      )`);
    await queryRunner.query(`CREATE INDEX job_events_job_idx ON job_events (job_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE job_events`);
    await queryRunner.query(`DROP TABLE jobs`);
  }
}
