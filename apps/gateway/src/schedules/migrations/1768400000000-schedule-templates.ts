import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A schedule may create its jobs from a template (`template`: `name`, the latest version at each
 * fire, or `name@3`, pinned) instead of a task: exactly one of the two is set.
 */
export class ScheduleTemplates1768400000000 implements MigrationInterface {
  name = 'ScheduleTemplates1768400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE schedules ADD COLUMN template varchar(80)`);
    await queryRunner.query(`ALTER TABLE schedules ALTER COLUMN task DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE schedules ADD CONSTRAINT schedules_task_or_template_check CHECK ((task IS NULL) <> (template IS NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A template schedule has no task to fall back to: refuse rather than drop the tenant's schedules.
    await queryRunner.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM schedules WHERE template IS NOT NULL) THEN
          RAISE EXCEPTION 'schedules with a template exist; delete them or give them a task before reverting ScheduleTemplates1768400000000';
        END IF;
      END $$`);
    await queryRunner.query(`ALTER TABLE schedules DROP CONSTRAINT schedules_task_or_template_check`);
    await queryRunner.query(`ALTER TABLE schedules ALTER COLUMN task SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE schedules DROP COLUMN template`);
  }
}
