/**
 * The tenant every job belonged to before API keys existed, and the one `AUTH_MODE=open`
 * serves. A fixed row in `tenants` (created by the tenancy migration) so jobs keep a foreign key.
 */
export const ANONYMOUS_TENANT_ID = '00000000-0000-4000-8000-000000000000';
