import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two job columns for the gateway's limits: `fair_rank` (the job's place in its tenant's own
 * backlog when it was created; the queue order interleaves tenants by it) and
 * `result_expired_at` (set when the retention purge removed the job's stored result).
 */
export class FairRankResultExpiry1768000000000 implements MigrationInterface {
  name = 'FairRankResultExpiry1768000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE jobs ADD COLUMN fair_rank integer, ADD COLUMN result_expired_at timestamptz`);
    await queryRunner.query(
      `CREATE INDEX jobs_result_retention_idx ON jobs (finished_at) WHERE result_ref IS NOT NULL AND result_expired_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX jobs_result_retention_idx`);
    await queryRunner.query(`ALTER TABLE jobs DROP COLUMN fair_rank, DROP COLUMN result_expired_at`);
  }
}
