import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables of the test app only: what its routes write, so tests can count executions. */
export class CreateIdempotencyTestTables1767225600001 implements MigrationInterface {
  name = 'CreateIdempotencyTestTables1767225600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE widgets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        name text NOT NULL,
        color text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL)`);
    await queryRunner.query(`CREATE TABLE note_attempts (id serial PRIMARY KEY, text text NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE note_attempts`);
    await queryRunner.query(`DROP TABLE notes`);
    await queryRunner.query(`DROP TABLE widgets`);
  }
}
