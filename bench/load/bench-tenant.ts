import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@validahub/config';
import type { Plan } from '@validahub/jobs-domain';
import { createJobsDataSource } from '@validahub/jobs-persistence';
import { tenantPrefix } from '@validahub/storage';
import { KeyHasher, TenancyStore, TenantAdmin } from '@validahub/tenancy';

const HIGH = '100000000';

/**
 * Gateway env raising the enterprise plan's rate limits and unfinished-jobs quota out of reach:
 * limits stay on (every request still draws its units from Redis, every insert meets the quota
 * trigger), but a load run of tens of thousands of creates is not refused (6,000 creates a minute
 * by default).
 */
export const RAISED_ENTERPRISE_LIMITS: Record<string, string> = {
  RATE_LIMIT_CREATES_PER_MINUTE_ENTERPRISE: HIGH,
  RATE_LIMIT_REQUESTS_PER_MINUTE_ENTERPRISE: HIGH,
  QUOTA_UNFINISHED_JOBS_ENTERPRISE: HIGH,
};

/** A tenant on `plan` and one API key, made with the same TenantAdmin the admin routes use (the gateway must have migrated). */
export async function benchTenantKey(databaseUrl: string, plan: Plan): Promise<{ key: string; tenantId: string }> {
  const dataSource = await createJobsDataSource({ databaseUrl, poolSize: 1 }).initialize();
  try {
    const secret = loadConfig({}).security.apiKeySecret as string;
    const admin = new TenantAdmin(new TenancyStore(dataSource), new KeyHasher(secret), { notify: async () => undefined, serverBuckets: [] });
    const tenant = await admin.createTenant({ name: `bench-${plan}`, plan });
    return { key: (await admin.createKey(tenant.id)).key, tenantId: tenant.id };
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Feeds in the tenant's own storage, as `POST /api/v1/files` would have left them, so creates
 * name files that exist (the common case, and what confinement's real-path check sees). Returns
 * the `input_uri`s to use.
 */
export async function benchFeeds(storageRoot: string, tenantId: string, count: number): Promise<string[]> {
  const folder = join(storageRoot, tenantPrefix(tenantId), 'uploads', 'bench');
  await mkdir(folder, { recursive: true });
  const uris: string[] = [];
  for (let i = 0; i < count; i++) {
    await writeFile(join(folder, `feed-${i}.csv`), 'sku,title,price\nA1,Phone,10.00\n');
    uris.push(`uploads/bench/feed-${i}.csv`);
  }
  return uris;
}
