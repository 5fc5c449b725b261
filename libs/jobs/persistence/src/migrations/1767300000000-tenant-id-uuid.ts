import { MigrationInterface, QueryRunner } from 'typeorm';

// The anonymous tenant's fixed id, spelled out (see ANONYMOUS_TENANT_ID in jobs-domain) so the
// migration keeps meaning what it meant.
const ANONYMOUS = '00000000-0000-4000-8000-000000000000';
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * Jobs name their tenant by UUID. Before tenancy the only tenant the gateway could write was
 * `anonymous` (open mode), so every non-UUID value becomes the anonymous tenant's id. The
 * tenancy migration adds the foreign key once the tenants table exists.
 */
export class JobsTenantIdUuid1767300000000 implements MigrationInterface {
  name = 'JobsTenantIdUuid1767300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE jobs SET tenant_id = $1 WHERE tenant_id !~ $2`, [ANONYMOUS, UUID]);
    await queryRunner.query(`ALTER TABLE jobs ALTER COLUMN tenant_id DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE jobs ALTER COLUMN tenant_id TYPE uuid USING tenant_id::uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE jobs ALTER COLUMN tenant_id TYPE varchar(64) USING tenant_id::text`);
    await queryRunner.query(`UPDATE jobs SET tenant_id = 'anonymous' WHERE tenant_id = $1`, [ANONYMOUS]);
    await queryRunner.query(`ALTER TABLE jobs ALTER COLUMN tenant_id SET DEFAULT 'anonymous'`);
  }
}
