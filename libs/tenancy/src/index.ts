// Public API of @validahub/tenancy: tenants, API keys and their admin (gateway and admin CLI).
export { API_KEY_PREFIX, displayPrefix, generateApiKey, parseApiKey, type ParsedApiKey } from './keys/api-key-format';
export { KeyHasher } from './keys/key-hasher';
export { ADMIN_SCOPE, DEFAULT_KEY_SCOPES, SCOPES, isScope, scopesForNewKey, type Scope } from './keys/scopes';
export {
  LIMIT_OVERRIDE_KEYS,
  TENANT_STATUSES,
  type LimitOverrideChanges,
  type LimitOverrideKey,
  type ApiKeyRecord,
  type KeyWithTenant,
  type Tenant,
  type TenantChanges,
  type TenantStatus,
} from './store/records';
export { TenancyStore, TenantNameTakenError } from './store/tenancy-store';
export { TENANCY_MIGRATIONS } from './store/schema';
export { TenantAdmin, type NewKeyRequest, type TenantAdminOptions, type TenantUpdate } from './admin/tenant-admin';
export { TenancyAdminError, parseDuration } from './admin/admin-errors';
export { toCreatedKeyView, toKeyView, toTenantView, type ApiKeyView, type CreatedKeyView, type TenantView } from './admin/views';
export { parseTenancyInvalidation, publishTenancyInvalidation, tenancyInvalidationChannel, type TenancyInvalidation } from './invalidation';
