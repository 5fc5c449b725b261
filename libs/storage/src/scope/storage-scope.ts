import { assertObjectName } from '../results';

/** The folder under the storage home that holds every tenant's prefix. */
export const TENANTS_FOLDER = 'tenants';
/** The shared, read-only folder under the storage home (sample feeds). */
export const SAMPLES_FOLDER = 'samples';

/**
 * What one caller may reach in storage. A tenant owns `tenants/<tenant id>/` under the storage
 * home and reads `samples/`; the open-mode anonymous tenant owns the home except `tenants/`
 * (the layout from before tenancy). Either may read `s3://` objects in `readableBuckets`.
 */
export interface StorageScope {
  /** `tenants/<id>` for a tenant; null for the open-mode scope. */
  readonly prefix: string | null;
  /** Buckets other than the home bucket this scope may read. */
  readonly readableBuckets: readonly string[];
}

export function tenantPrefix(tenantId: string): string {
  assertObjectName(tenantId, 'tenant id');
  return `${TENANTS_FOLDER}/${tenantId}`;
}

export function tenantScope(tenantId: string, readableBuckets: readonly string[] = []): StorageScope {
  return Object.freeze({ prefix: tenantPrefix(tenantId), readableBuckets: [...readableBuckets] });
}

export function openScope(readableBuckets: readonly string[] = []): StorageScope {
  return Object.freeze({ prefix: null, readableBuckets: [...readableBuckets] });
}
