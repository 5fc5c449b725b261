import { ANONYMOUS_TENANT_ID, isPlan, PLANS, Plan } from '@validahub/jobs-domain';
import { isValidBucketName } from '@validahub/storage';
import { generateApiKey } from '../keys/api-key-format';
import { KeyHasher } from '../keys/key-hasher';
import { scopesForNewKey } from '../keys/scopes';
import type { TenancyInvalidation } from '../invalidation';
import {
  ApiKeyRecord,
  LIMIT_OVERRIDE_KEYS,
  LimitOverrideChanges,
  LimitOverrideKey,
  Tenant,
  TENANT_STATUSES,
  TenantChanges,
  TenantStatus,
} from '../store/records';
import { TenancyStore, TenantNameTakenError } from '../store/tenancy-store';
import { parseDuration, TenancyAdminError } from './admin-errors';

const TENANT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const KEY_PREFIX_REF = /^vh_([0-9A-Za-z]{12})$/;

export interface TenantAdminOptions {
  /** Tells every gateway to drop what it cached (Redis pub/sub); awaited after each committed change. */
  notify(message: TenancyInvalidation): Promise<void>;
  /** S3_ALLOWED_BUCKETS: a tenant may be allowed only buckets the operator allows. */
  serverBuckets: readonly string[];
}

export interface NewKeyRequest {
  scopes?: string[];
  admin?: boolean;
  /** `90d`, `12h`, ... from now; or an explicit time. Neither: the key does not expire. */
  expiresIn?: string;
  expiresAt?: Date;
}

export interface TenantUpdate {
  plan?: unknown;
  status?: unknown;
  allowedBuckets?: unknown;
}

/**
 * Managing tenants and keys, with the same rules and answers for the admin HTTP routes and the
 * admin CLI. Every change that affects authentication is published to the gateways after it
 * commits, so it holds on the next request.
 */
export class TenantAdmin {
  constructor(
    private readonly store: TenancyStore,
    private readonly hasher: KeyHasher,
    private readonly options: TenantAdminOptions,
  ) {}

  async createTenant(input: { name?: unknown; plan?: unknown; allowedBuckets?: unknown }): Promise<Tenant> {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!TENANT_NAME.test(name)) throw TenancyAdminError.invalid('name', 'must be 1-64 of a-z 0-9 _ -, starting with a letter or digit');
    if (name === 'anonymous') throw TenancyAdminError.invalid('name', '"anonymous" is reserved for AUTH_MODE=open');
    const plan = this.plan(input.plan ?? 'free');
    const allowedBuckets = input.allowedBuckets === undefined ? [] : this.buckets(input.allowedBuckets);
    try {
      return await this.store.createTenant({ name, plan, allowedBuckets });
    } catch (error) {
      if (error instanceof TenantNameTakenError) throw new TenancyAdminError('conflict', error.message, 'name');
      throw error;
    }
  }

  listTenants(): Promise<Tenant[]> {
    return this.store.listTenants();
  }

  async showTenant(ref: string): Promise<Tenant> {
    const tenant = await this.store.findTenant(ref);
    if (!tenant) throw new TenancyAdminError('not-found', `no tenant ${JSON.stringify(ref)}`);
    return tenant;
  }

  /** Plan, status and allowed buckets; takes effect on every gateway's next request. */
  async updateTenant(ref: string, update: TenantUpdate): Promise<Tenant> {
    const tenant = await this.managedTenant(ref);
    const changes: TenantChanges = {};
    if (update.plan !== undefined) changes.plan = this.plan(update.plan);
    if (update.status !== undefined) changes.status = this.status(update.status);
    if (update.allowedBuckets !== undefined) changes.allowedBuckets = this.buckets(update.allowedBuckets);
    if (!Object.keys(changes).length) throw TenancyAdminError.invalid('body', 'nothing to change: give plan, status or allowed_buckets');
    const updated = await this.store.updateTenant(tenant.id, changes);
    if (!updated) throw new TenancyAdminError('not-found', `no tenant ${JSON.stringify(ref)}`);
    await this.options.notify({ kind: 'tenant', id: updated.id });
    return updated;
  }

  /**
   * Sets (a positive whole number) or removes (null) the tenant's own values of its plan's
   * limits; the others stay as they are. Every gateway applies them from the tenant's next
   * request (the change is published like a plan change).
   */
  async setLimitOverrides(ref: string, changes: Record<string, unknown>): Promise<Tenant> {
    const tenant = await this.managedTenant(ref);
    const valid = this.limitOverrides(changes);
    const updated = await this.store.updateLimitOverrides(tenant.id, valid);
    if (!updated) throw new TenancyAdminError('not-found', `no tenant ${JSON.stringify(ref)}`);
    await this.options.notify({ kind: 'tenant', id: updated.id });
    return updated;
  }

  async createKey(ref: string, request: NewKeyRequest = {}): Promise<{ record: ApiKeyRecord; key: string }> {
    const tenant = await this.managedTenant(ref);
    const scopes = scopesForNewKey(request.scopes, request.admin ?? false);
    if ('problem' in scopes) throw TenancyAdminError.invalid('scopes', scopes.problem);
    const generated = generateApiKey();
    const record = await this.store.createKey({
      tenantId: tenant.id,
      lookupId: generated.lookupId,
      secretHash: this.hasher.hash(generated),
      scopes: scopes.scopes,
      expiresAt: this.expiry(request),
    });
    return { record, key: generated.key };
  }

  async listKeys(ref: string): Promise<ApiKeyRecord[]> {
    return this.store.listKeys((await this.showTenant(ref)).id);
  }

  /** By key id, or by its displayed prefix (`vh_` + lookup id). Revoking twice keeps the first time. */
  async revokeKey(ref: string): Promise<ApiKeyRecord> {
    const found = await this.store.findKey(KEY_PREFIX_REF.exec(ref)?.[1] ?? ref);
    if (!found) throw new TenancyAdminError('not-found', `no API key ${JSON.stringify(ref)}`);
    const revoked = (await this.store.revokeKey(found.id)) ?? found;
    await this.options.notify({ kind: 'key', id: revoked.id });
    return revoked;
  }

  /** A tenant an admin may change: not the anonymous one, which AUTH_MODE=open serves. */
  private async managedTenant(ref: string): Promise<Tenant> {
    const tenant = await this.showTenant(ref);
    if (tenant.id === ANONYMOUS_TENANT_ID)
      throw TenancyAdminError.invalid('tenant', 'the anonymous tenant is served by AUTH_MODE=open and has no keys');
    return tenant;
  }

  private plan(value: unknown): Plan {
    if (!isPlan(value)) throw TenancyAdminError.invalid('plan', `must be one of ${PLANS.join(', ')}`);
    return value;
  }

  private status(value: unknown): TenantStatus {
    if (!(TENANT_STATUSES as readonly unknown[]).includes(value))
      throw TenancyAdminError.invalid('status', `must be one of ${TENANT_STATUSES.join(', ')}`);
    return value as TenantStatus;
  }

  private buckets(value: unknown): string[] {
    if (!Array.isArray(value) || value.some((bucket) => typeof bucket !== 'string')) {
      throw TenancyAdminError.invalid('allowed_buckets', 'must be a list of bucket names');
    }
    const buckets = [...new Set(value as string[])];
    const invalid = buckets.filter((bucket) => !isValidBucketName(bucket));
    if (invalid.length) throw TenancyAdminError.invalid('allowed_buckets', `invalid bucket name(s): ${invalid.join(', ')}`);
    const notServed = buckets.filter((bucket) => !this.options.serverBuckets.includes(bucket));
    if (notServed.length) {
      throw TenancyAdminError.invalid('allowed_buckets', `${notServed.join(', ')} not in S3_ALLOWED_BUCKETS; the operator must allow a bucket first`);
    }
    return buckets;
  }

  private limitOverrides(changes: Record<string, unknown>): LimitOverrideChanges {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (!entries.length) throw TenancyAdminError.invalid('body', `nothing to change: give one or more of ${LIMIT_OVERRIDE_KEYS.join(', ')}`);
    const valid: LimitOverrideChanges = {};
    for (const [key, value] of entries) {
      if (!(LIMIT_OVERRIDE_KEYS as readonly string[]).includes(key))
        throw TenancyAdminError.invalid(key, `is not a limit; the limits are ${LIMIT_OVERRIDE_KEYS.join(', ')}`);
      if (value !== null && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 1)) {
        throw TenancyAdminError.invalid(key, "must be a whole number of at least 1, or null to use the plan's value");
      }
      valid[key as LimitOverrideKey] = value as number | null;
    }
    return valid;
  }

  private expiry(request: NewKeyRequest): Date | null {
    if (request.expiresAt) {
      if (Number.isNaN(request.expiresAt.getTime()) || request.expiresAt.getTime() <= Date.now()) {
        throw TenancyAdminError.invalid('expires_at', 'must be a time in the future');
      }
      return request.expiresAt;
    }
    if (request.expiresIn === undefined) return null;
    const ms = parseDuration(request.expiresIn);
    if (ms === null) throw TenancyAdminError.invalid('expires_in', 'must be a whole number and a unit: s, m, h, d or w (e.g. 90d)');
    return new Date(Date.now() + ms);
  }
}
