import type { AppConfig } from '@validahub/config';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { CompositeStorage, openScope, ScopedStorage, storageHome, StorageHome, StorageScope, tenantScope } from '@validahub/storage';
import type { RequestAuth } from '../auth/request-auth';

/**
 * Storage as the caller of one request may use it. A tenant gets its own `tenants/<id>/`
 * prefix, the shared read-only `samples/`, and the buckets both it and the operator
 * (S3_ALLOWED_BUCKETS) allow; the open-mode anonymous tenant gets the pre-tenancy layout.
 */
export class TenantStorage {
  private readonly home: StorageHome;

  constructor(
    private readonly config: AppConfig,
    private readonly base: CompositeStorage,
  ) {
    this.home = storageHome(config.storage);
  }

  forAuth(auth: Pick<RequestAuth, 'tenant'>): ScopedStorage {
    return new ScopedStorage(this.base, this.config.storage, this.scopeOf(auth), this.home);
  }

  scopeOf({ tenant }: Pick<RequestAuth, 'tenant'>): StorageScope {
    const operatorBuckets = this.config.storage.s3.allowedBuckets;
    if (tenant.id === ANONYMOUS_TENANT_ID) return openScope(operatorBuckets);
    return tenantScope(
      tenant.id,
      tenant.allowedBuckets.filter((bucket) => operatorBuckets.includes(bucket)),
    );
  }
}
