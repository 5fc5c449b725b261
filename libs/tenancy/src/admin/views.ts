import { displayPrefix } from '../keys/api-key-format';
import type { ApiKeyRecord, Tenant } from '../store/records';

// The JSON shapes of tenants and keys, the same from the admin HTTP routes and `npm run admin -- --json`.

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export interface TenantView {
  id: string;
  name: string;
  plan: string;
  status: string;
  allowed_buckets: string[];
  /** The tenant's own values of its plan's limits (the plan's apply to the others). */
  limit_overrides: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface ApiKeyView {
  id: string;
  tenant_id: string;
  prefix: string;
  scopes: string[];
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

/** The answer to a key creation: the only time the key itself is ever shown. */
export interface CreatedKeyView {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
  expires_at: string | null;
}

export function toTenantView(tenant: Tenant): TenantView {
  return {
    id: tenant.id,
    name: tenant.name,
    plan: tenant.plan,
    status: tenant.status,
    allowed_buckets: tenant.allowedBuckets,
    limit_overrides: tenant.limitOverrides,
    created_at: tenant.createdAt.toISOString(),
    updated_at: tenant.updatedAt.toISOString(),
  };
}

export function toKeyView(key: ApiKeyRecord): ApiKeyView {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    prefix: displayPrefix(key.lookupId),
    scopes: key.scopes,
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
    last_used_at: iso(key.lastUsedAt),
    created_at: key.createdAt.toISOString(),
  };
}

export function toCreatedKeyView(record: ApiKeyRecord, key: string): CreatedKeyView {
  return { id: record.id, key, prefix: displayPrefix(record.lookupId), scopes: record.scopes, expires_at: iso(record.expiresAt) };
}
