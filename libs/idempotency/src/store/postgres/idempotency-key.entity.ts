import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

const PRIMARY_KEY = 'pk_idempotency_keys';

export type IdempotencyKeyState = 'in_flight' | 'completed';

/**
 * One idempotency key of one tenant on one route. The schema is created by
 * CreateIdempotencyKeys1767225600000 (never by synchronize); this entity mirrors it so an app
 * can register it in its DataSource and read keys with a repository.
 */
@Entity({ name: 'idempotency_keys' })
@Index('idx_idempotency_keys_expires_at', ['expiresAt'])
@Check(
  'chk_idempotency_keys_state',
  `("state" = 'in_flight' AND "lock_token" IS NOT NULL AND "locked_until" IS NOT NULL) OR ("state" = 'completed' AND "response_status" IS NOT NULL AND "completed_at" IS NOT NULL)`,
)
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: PRIMARY_KEY })
  tenantId!: string;

  @PrimaryColumn({ name: 'scope', type: 'text', primaryKeyConstraintName: PRIMARY_KEY })
  scope!: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255, primaryKeyConstraintName: PRIMARY_KEY })
  key!: string;

  /** sha256 (hex) of the canonical request. */
  @Column({ type: 'char', length: 64 })
  fingerprint!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: IdempotencyKeyState;

  @Column({ name: 'lock_token', type: 'uuid', nullable: true })
  lockToken!: string | null;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'response_status', type: 'smallint', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_headers', type: 'jsonb', nullable: true })
  responseHeaders!: Record<string, string> | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
