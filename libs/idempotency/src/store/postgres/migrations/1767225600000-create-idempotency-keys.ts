import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdempotencyKeys1767225600000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "tenant_id" text NOT NULL,
        "scope" text NOT NULL,
        "idempotency_key" character varying(255) NOT NULL,
        "fingerprint" character(64) NOT NULL,
        "state" character varying(16) NOT NULL,
        "lock_token" uuid,
        "locked_until" TIMESTAMP WITH TIME ZONE,
        "response_status" smallint,
        "response_headers" jsonb,
        "response_body" jsonb,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "completed_at" TIMESTAMP WITH TIME ZONE,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("tenant_id", "scope", "idempotency_key"),
        CONSTRAINT "chk_idempotency_keys_state" CHECK (
          ("state" = 'in_flight' AND "lock_token" IS NOT NULL AND "locked_until" IS NOT NULL)
          OR ("state" = 'completed' AND "response_status" IS NOT NULL AND "completed_at" IS NOT NULL)
        )
      )`);
    await queryRunner.query(`CREATE INDEX "idx_idempotency_keys_expires_at" ON "idempotency_keys" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_idempotency_keys_expires_at"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
