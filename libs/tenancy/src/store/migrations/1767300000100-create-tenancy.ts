import { MigrationInterface, QueryRunner } from 'typeorm';

// Spelled out rather than imported, so the migration keeps meaning what it meant.
const PLANS = `'free', 'pro', 'business', 'enterprise'`;
const ANONYMOUS = '00000000-0000-4000-8000-000000000000';

/**
 * Tenants and their API keys. The anonymous tenant (open mode, and every job from before
 * tenancy) is a row like any other, so jobs.tenant_id can be a foreign key.
 */
export class CreateTenancy1767300000100 implements MigrationInterface {
  name = 'CreateTenancy1767300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        name varchar(64) NOT NULL,
        plan varchar(16) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'active',
        allowed_buckets text[] NOT NULL DEFAULT '{}',
        limit_overrides jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_name_key UNIQUE (name),
        CONSTRAINT tenants_plan_check CHECK (plan IN (${PLANS})),
        CONSTRAINT tenants_status_check CHECK (status IN ('active', 'suspended')),
        CONSTRAINT tenants_limit_overrides_check CHECK (jsonb_typeof(limit_overrides) = 'object')
      )`);
    await queryRunner.query(`INSERT INTO tenants (id, name, plan) VALUES ($1, 'anonymous', 'free')`, [ANONYMOUS]);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        lookup_id varchar(32) NOT NULL,
        secret_hash bytea NOT NULL,
        scopes text[] NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT api_keys_lookup_id_key UNIQUE (lookup_id),
        CONSTRAINT api_keys_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
        CONSTRAINT api_keys_secret_hash_check CHECK (octet_length(secret_hash) = 32)
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at)`);
    await queryRunner.query(`ALTER TABLE jobs ADD CONSTRAINT jobs_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)`);
    // Idempotency keys recorded in open mode were scoped to the string 'anonymous'.
    const hasIdempotency: { exists: boolean }[] = await queryRunner.query(`SELECT to_regclass('idempotency_keys') IS NOT NULL AS exists`);
    if (hasIdempotency[0]?.exists) {
      await queryRunner.query(`UPDATE idempotency_keys SET tenant_id = $1 WHERE tenant_id = 'anonymous'`, [ANONYMOUS]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE jobs DROP CONSTRAINT jobs_tenant_fk`);
    await queryRunner.query(`DROP TABLE api_keys`);
    await queryRunner.query(`DROP TABLE tenants`);
  }
}
