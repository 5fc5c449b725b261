import { IDEMPOTENCY_ENTITIES, IDEMPOTENCY_MIGRATIONS } from '@validahub/idempotency';
import { TENANCY_MIGRATIONS } from '@validahub/tenancy';
import { TenantUsage1768000000100 } from '../limits/migrations/1768000000100-tenant-usage';

/**
 * Tables the gateway adds to the jobs schema (idempotency keys, tenants and API keys, tenant usage): its
 * DataSource and `gateway:migrate` both use these. Migrations run in timestamp order, so the
 * tenancy tables come after the jobs and idempotency tables they reference.
 */
export const GATEWAY_EXTRA_ENTITIES = [...IDEMPOTENCY_ENTITIES];
export const GATEWAY_EXTRA_MIGRATIONS = [...IDEMPOTENCY_MIGRATIONS, ...TENANCY_MIGRATIONS, TenantUsage1768000000100];
