import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Templates (immutable versions; a delete hides every version but never frees a number, so a
 * job's `template@version` always names what it ran) and workflows (one row per run, one per
 * step: a step's job is created once, when the row gets its `job_id`, under the workflow's lock).
 */
export class CreateTemplatesAndWorkflows1768200000100 implements MigrationInterface {
  name = 'CreateTemplatesAndWorkflows1768200000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE job_templates (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      name varchar(64) NOT NULL,
      version integer NOT NULL CHECK (version >= 1),
      task_name varchar(64) NOT NULL,
      params jsonb NOT NULL,
      priority smallint NULL CHECK (priority BETWEEN 1 AND 10),
      description text NULL,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      deleted_at timestamptz NULL,
      PRIMARY KEY (tenant_id, name, version))`);
    await queryRunner.query(`CREATE TABLE workflows (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      name varchar(128) NULL,
      status varchar(16) NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
      plan varchar(16) NOT NULL,
      correlation_id varchar(128) NOT NULL,
      idempotency_key varchar(255) NULL,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      finished_at timestamptz NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX workflows_tenant_idempotency_key_idx ON workflows (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX workflows_tenant_created_idx ON workflows (tenant_id, created_at DESC, id DESC)`);
    // The reconciler's repair sweep reads running workflows by last change.
    await queryRunner.query(`CREATE INDEX workflows_running_idx ON workflows (updated_at, id) WHERE status = 'running'`);
    await queryRunner.query(`CREATE TABLE workflow_steps (
      workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
      step_id varchar(64) NOT NULL,
      position smallint NOT NULL,
      task_name varchar(64) NOT NULL,
      template varchar(64) NULL,
      template_version integer NULL,
      params jsonb NOT NULL,
      priority smallint NULL,
      depends_on text[] NOT NULL DEFAULT '{}',
      status varchar(16) NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
      job_id uuid NULL UNIQUE REFERENCES jobs (id),
      error jsonb NULL,
      PRIMARY KEY (workflow_id, step_id))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE workflow_steps`);
    await queryRunner.query(`DROP TABLE workflows`);
    await queryRunner.query(`DROP TABLE job_templates`);
  }
}
