// Test-only: tenants and API keys made through the gateway's own TenantAdmin (same rules and
// hashing as the admin routes and CLI), and the headers that present a key.
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Plan } from '@validahub/jobs-domain';
import { TenantAdmin, type NewKeyRequest } from '@validahub/tenancy';

export interface TestTenant {
  id: string;
  name: string;
  plan: Plan;
  key: string;
  keyId: string;
  /** `Authorization: Bearer <key>`. */
  headers: Record<string, string>;
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** A new tenant (unique name) with one key; the app must be started (migrations applied). */
export async function newTenant(
  app: INestApplication,
  options: { plan?: Plan; allowedBuckets?: string[]; key?: NewKeyRequest; name?: string } = {},
): Promise<TestTenant> {
  const admin = app.get(TenantAdmin);
  const name = options.name ?? `t-${randomBytes(5).toString('hex')}`;
  const tenant = await admin.createTenant({ name, plan: options.plan ?? 'pro', allowedBuckets: options.allowedBuckets });
  const { record, key } = await admin.createKey(tenant.id, options.key);
  return { id: tenant.id, name, plan: tenant.plan, key, keyId: record.id, headers: bearer(key) };
}

/** Another key of an existing tenant. */
export async function newKey(app: INestApplication, tenantId: string, request: NewKeyRequest = {}): Promise<{ key: string; keyId: string }> {
  const { record, key } = await app.get(TenantAdmin).createKey(tenantId, request);
  return { key, keyId: record.id };
}
