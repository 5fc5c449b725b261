import { ANONYMOUS_TENANT_ID, type Plan } from '@validahub/jobs-domain';
import { DEFAULT_KEY_SCOPES, type KeyWithTenant, type Scope, type Tenant } from '@validahub/tenancy';

/**
 * Who is calling, as the guard resolved it; every tenant-scoped route reads it from here
 * (`tenantIdOf`, `Ctx`). The limits feature reads `plan` and `limitOverrides` from it too.
 */
export interface RequestAuth {
  tenant: Pick<Tenant, 'id' | 'name' | 'plan' | 'status' | 'allowedBuckets'>;
  /** The plan jobs run on: the tenant's; undefined in AUTH_MODE=open, where the body's plan is honoured. */
  plan: Plan | undefined;
  scopes: readonly Scope[];
  limitOverrides: Record<string, unknown>;
  /** The API key's id; null for the open-mode anonymous caller. */
  keyId: string | null;
}

type WithAuth = { auth?: RequestAuth };

export function setRequestAuth(request: object, auth: RequestAuth): void {
  (request as WithAuth).auth = auth;
}

export function requestAuthOf(request: object): RequestAuth | undefined {
  return (request as WithAuth).auth;
}

/**
 * The tenant of a request; the idempotency module scopes keys with it too. There is no default:
 * a tenant route reached without the guard having set a tenant is a bug, not an anonymous call.
 */
export function tenantIdOf(request: object): string {
  const auth = requestAuthOf(request);
  if (!auth) throw new Error('no authenticated tenant on this request: is the route missing from the auth guard?');
  return auth.tenant.id;
}

/** AUTH_MODE=open: every caller is the anonymous tenant, with every tenant scope, on the plan its body names. */
export const ANONYMOUS_AUTH: RequestAuth = Object.freeze({
  tenant: { id: ANONYMOUS_TENANT_ID, name: 'anonymous', plan: 'free' as const, status: 'active' as const, allowedBuckets: [] },
  plan: undefined,
  scopes: DEFAULT_KEY_SCOPES,
  limitOverrides: {},
  keyId: null,
});

export function authFromKey({ key, tenant }: KeyWithTenant): RequestAuth {
  return {
    tenant: { id: tenant.id, name: tenant.name, plan: tenant.plan, status: tenant.status, allowedBuckets: tenant.allowedBuckets },
    plan: tenant.plan,
    scopes: key.scopes,
    limitOverrides: tenant.limitOverrides,
    keyId: key.id,
  };
}
