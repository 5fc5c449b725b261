import type { Plan } from '@validahub/jobs-domain';
import type { Scope } from '../keys/scopes';

export const TENANT_STATUSES = ['active', 'suspended'] as const;

/**
 * The limits a tenant may have its own value of, as `limit_overrides` stores them (the plan's
 * applies to the others; the gateway enforces them, see its limits).
 */
export const LIMIT_OVERRIDE_KEYS = ['creates_per_minute', 'requests_per_minute', 'unfinished_jobs', 'running_at_once', 'upload_bytes'] as const;
export type LimitOverrideKey = (typeof LIMIT_OVERRIDE_KEYS)[number];
/** Overrides to set (a positive whole number) or to remove (null: the plan's value applies again). */
export type LimitOverrideChanges = Partial<Record<LimitOverrideKey, number | null>>;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export interface Tenant {
  id: string;
  name: string;
  plan: Plan;
  status: TenantStatus;
  /** Buckets outside the tenant's prefix its jobs may read (`s3://` inputs); empty allows none. */
  allowedBuckets: string[];
  /** Per-tenant overrides of the plan's limits (enforced by the limits feature; stored here). */
  limitOverrides: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  lookupId: string;
  scopes: Scope[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/** What the gateway needs to authenticate one request: the key, its hash and its tenant. */
export interface KeyWithTenant {
  key: ApiKeyRecord & { secretHash: Buffer };
  tenant: Tenant;
}

export interface TenantChanges {
  plan?: Plan;
  status?: TenantStatus;
  allowedBuckets?: string[];
}

type Row = Record<string, unknown>;

export function tenantFromRow(row: Row, prefix = ''): Tenant {
  return {
    id: row[`${prefix}id`] as string,
    name: row[`${prefix}name`] as string,
    plan: row[`${prefix}plan`] as Plan,
    status: row[`${prefix}status`] as TenantStatus,
    allowedBuckets: (row[`${prefix}allowed_buckets`] as string[] | null) ?? [],
    limitOverrides: (row[`${prefix}limit_overrides`] as Record<string, unknown> | null) ?? {},
    createdAt: row[`${prefix}created_at`] as Date,
    updatedAt: row[`${prefix}updated_at`] as Date,
  };
}

export function keyFromRow(row: Row): ApiKeyRecord {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    lookupId: row.lookup_id as string,
    scopes: row.scopes as Scope[],
    expiresAt: (row.expires_at as Date | null) ?? null,
    revokedAt: (row.revoked_at as Date | null) ?? null,
    lastUsedAt: (row.last_used_at as Date | null) ?? null,
    createdAt: row.created_at as Date,
  };
}
