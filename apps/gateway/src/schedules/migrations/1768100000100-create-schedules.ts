import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedules and the jobs they created. `schedule_runs` has one row per fire (its primary key is
 * the schedule and the scheduled time), written in the job's own transaction: with the
 * idempotency key `schedule:<id>:<time>` it makes a fire create exactly one job.
 */
export class CreateSchedules1768100000100 implements MigrationInterface {
  name = 'CreateSchedules1768100000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE schedules (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        cron varchar(200) NOT NULL,
        timezone varchar(64) NOT NULL,
        task varchar(64) NOT NULL,
        params jsonb NOT NULL,
        priority smallint,
        enabled boolean NOT NULL DEFAULT true,
        misfire varchar(16) NOT NULL DEFAULT 'skip',
        next_run_at timestamptz,
        last_run_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT schedules_misfire_check CHECK (misfire IN ('skip', 'run_once')),
        CONSTRAINT schedules_priority_check CHECK (priority BETWEEN 1 AND 10)
      )`);
    await queryRunner.query(`CREATE INDEX schedules_tenant_idx ON schedules (tenant_id, created_at DESC, id)`);
    // The scheduler only looks at enabled schedules that are due.
    await queryRunner.query(`CREATE INDEX schedules_due_idx ON schedules (next_run_at) WHERE enabled`);
    await queryRunner.query(`
      CREATE TABLE schedule_runs (
        schedule_id uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
        scheduled_for timestamptz NOT NULL,
        job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (schedule_id, scheduled_for)
      )`);
    await queryRunner.query(`CREATE INDEX schedule_runs_job_idx ON schedule_runs (job_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE schedule_runs`);
    await queryRunner.query(`DROP TABLE schedules`);
  }
}
