import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { DEFAULT_KEY_SCOPES, type Tenant } from '@validahub/tenancy';
import { ANONYMOUS_AUTH, type RequestAuth } from '../auth/request-auth';
import type { RequestContext } from '../jobs/request-context';

/** The caller a schedule's jobs are created as: its tenant, on the tenant's plan (open mode: the anonymous tenant). */
export function scheduleContext(tenant: Tenant, correlationId: string): RequestContext {
  const auth: RequestAuth =
    tenant.id === ANONYMOUS_TENANT_ID
      ? ANONYMOUS_AUTH
      : {
          tenant: { id: tenant.id, name: tenant.name, plan: tenant.plan, status: tenant.status, allowedBuckets: tenant.allowedBuckets },
          plan: tenant.plan,
          scopes: DEFAULT_KEY_SCOPES,
          limitOverrides: tenant.limitOverrides,
          keyId: null,
        };
  return { tenantId: tenant.id, correlationId, auth };
}
