import { loadConfig } from '@validahub/config';
import type { Plan } from '@validahub/jobs-domain';
import { createJobsDataSource } from '@validahub/jobs-persistence';
import { KeyHasher, TenancyStore, TenantAdmin } from '@validahub/tenancy';

/** A tenant on `plan` and one API key, made with the same TenantAdmin the admin routes use (the gateway must have migrated). */
export async function benchTenantKey(databaseUrl: string, plan: Plan): Promise<string> {
  const dataSource = await createJobsDataSource({ databaseUrl, poolSize: 1 }).initialize();
  try {
    const secret = loadConfig({}).security.apiKeySecret as string;
    const admin = new TenantAdmin(new TenancyStore(dataSource), new KeyHasher(secret), { notify: async () => undefined, serverBuckets: [] });
    const tenant = await admin.createTenant({ name: `bench-${plan}`, plan });
    return (await admin.createKey(tenant.id)).key;
  } finally {
    await dataSource.destroy();
  }
}
