import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What composes jobs (contract "push and composition"): the template (and its version) a job
 * was made from, the workflow step it runs, the job it retries, the schedule that fired it.
 * Each list filter gets a partial index on (tenant_id, <column>, created_at DESC, id DESC),
 * the order the list reads in.
 */
export class JobCompositionColumns1768200000000 implements MigrationInterface {
  name = 'JobCompositionColumns1768200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE jobs
      ADD COLUMN template varchar(64) NULL,
      ADD COLUMN template_version integer NULL,
      ADD COLUMN workflow_id uuid NULL,
      ADD COLUMN step_id varchar(64) NULL,
      ADD COLUMN retry_of uuid NULL`);
    // The schedules feature may have added it already: either order of the two migrations works.
    await queryRunner.query(`ALTER TABLE jobs ADD COLUMN IF NOT EXISTS schedule_id uuid NULL`);
    for (const column of ['correlation_id', 'idempotency_key', 'workflow_id', 'schedule_id', 'template']) {
      const where = column === 'correlation_id' ? '' : ` WHERE ${column} IS NOT NULL`;
      await queryRunner.query(
        `CREATE INDEX IF NOT EXISTS jobs_tenant_${column}_idx ON jobs (tenant_id, ${column}, created_at DESC, id DESC)${where}`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['correlation_id', 'idempotency_key', 'workflow_id', 'template']) {
      await queryRunner.query(`DROP INDEX IF EXISTS jobs_tenant_${column}_idx`);
    }
    await queryRunner.query(`ALTER TABLE jobs DROP COLUMN template, DROP COLUMN template_version, DROP COLUMN workflow_id,
      DROP COLUMN step_id, DROP COLUMN retry_of`);
  }
}
