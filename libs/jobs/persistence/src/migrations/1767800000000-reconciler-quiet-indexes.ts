import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciler's two reads, each an ordered index scan over unfinished jobs only (the partial
 * indexes stay small however much history the table holds): started jobs (running, retrying)
 * and queued jobs, each by (updated_at, id), the order it pages through them in. They replace
 * `jobs_waiting_idx` on created_at, which no query used.
 */
export class ReconcilerQuietIndexes1767800000000 implements MigrationInterface {
  name = 'ReconcilerQuietIndexes1767800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX jobs_started_quiet_idx ON jobs (updated_at, id) WHERE status IN ('running', 'retrying')`);
    await queryRunner.query(`CREATE INDEX jobs_queued_quiet_idx ON jobs (updated_at, id) WHERE status = 'queued'`);
    await queryRunner.query(`DROP INDEX jobs_waiting_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX jobs_waiting_idx ON jobs (created_at) WHERE status IN ('queued', 'retrying')`);
    await queryRunner.query(`DROP INDEX jobs_queued_quiet_idx`);
    await queryRunner.query(`DROP INDEX jobs_started_quiet_idx`);
  }
}
