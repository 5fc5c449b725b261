import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Plan } from '@validahub/jobs-domain';
import { returnedRows } from '@validahub/jobs-persistence';
import type { Scope } from '../keys/scopes';
import { ApiKeyRecord, keyFromRow, KeyWithTenant, LimitOverrideChanges, Tenant, TenantChanges, tenantFromRow } from './records';

const TENANT_COLUMNS = 'id, name, plan, status, allowed_buckets, limit_overrides, created_at, updated_at';
const KEY_COLUMNS = 'id, tenant_id, lookup_id, scopes, expires_at, revoked_at, last_used_at, created_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Thrown when a tenant name is taken (the unique constraint decides, so concurrent creates are safe). */
export class TenantNameTakenError extends Error {
  constructor(readonly tenantName: string) {
    super(`a tenant named ${JSON.stringify(tenantName)} already exists`);
    this.name = 'TenantNameTakenError';
  }
}

/** Tenants and API keys in Postgres: the gateway's authentication reads and the admin writes. */
export class TenancyStore {
  constructor(private readonly dataSource: DataSource) {}

  async createTenant(input: { name: string; plan: Plan; allowedBuckets: string[] }): Promise<Tenant> {
    try {
      const rows: Record<string, unknown>[] = await this.dataSource.query(
        `INSERT INTO tenants (id, name, plan, allowed_buckets) VALUES ($1, $2, $3, $4) RETURNING ${TENANT_COLUMNS}`,
        [randomUUID(), input.name, input.plan, input.allowedBuckets],
      );
      return tenantFromRow(rows[0]);
    } catch (error) {
      if ((error as { driverError?: { constraint?: string } }).driverError?.constraint === 'tenants_name_key')
        throw new TenantNameTakenError(input.name);
      throw error;
    }
  }

  async listTenants(): Promise<Tenant[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY created_at, name`);
    return rows.map((row) => tenantFromRow(row));
  }

  /** By id when `ref` is a UUID, else by name. */
  async findTenant(ref: string): Promise<Tenant | null> {
    const column = UUID.test(ref) ? 'id' : 'name';
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE ${column} = $1`, [ref]);
    return rows.length ? tenantFromRow(rows[0]) : null;
  }

  async updateTenant(id: string, changes: TenantChanges): Promise<Tenant | null> {
    const rows = await returnedRows<Record<string, unknown>>(
      this.dataSource.query(
        `UPDATE tenants SET plan = COALESCE($2, plan), status = COALESCE($3, status),
              allowed_buckets = COALESCE($4, allowed_buckets), updated_at = now()
        WHERE id = $1 RETURNING ${TENANT_COLUMNS}`,
        [id, changes.plan ?? null, changes.status ?? null, changes.allowedBuckets ?? null],
      ),
    );
    return rows.length ? tenantFromRow(rows[0]) : null;
  }

  /**
   * Sets and removes overrides in one statement (jsonb merge, then removal of the nulls), so
   * concurrent changes of different limits do not undo each other.
   */
  async updateLimitOverrides(id: string, changes: LimitOverrideChanges): Promise<Tenant | null> {
    const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== null));
    const removed = Object.entries(changes)
      .filter(([, value]) => value === null)
      .map(([key]) => key);
    const rows = await returnedRows<Record<string, unknown>>(
      this.dataSource.query(
        `UPDATE tenants SET limit_overrides = (limit_overrides || $2::jsonb) - $3::text[], updated_at = now()
        WHERE id = $1 RETURNING ${TENANT_COLUMNS}`,
        [id, JSON.stringify(set), removed],
      ),
    );
    return rows.length ? tenantFromRow(rows[0]) : null;
  }

  async createKey(input: { tenantId: string; lookupId: string; secretHash: Buffer; scopes: Scope[]; expiresAt: Date | null }): Promise<ApiKeyRecord> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `INSERT INTO api_keys (id, tenant_id, lookup_id, secret_hash, scopes, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${KEY_COLUMNS}`,
      [randomUUID(), input.tenantId, input.lookupId, input.secretHash, input.scopes, input.expiresAt],
    );
    return keyFromRow(rows[0]);
  }

  async listKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    );
    return rows.map(keyFromRow);
  }

  /** By id (UUID) or lookup id. */
  async findKey(ref: string): Promise<ApiKeyRecord | null> {
    const column = UUID.test(ref) ? 'id' : 'lookup_id';
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE ${column} = $1`, [ref]);
    return rows.length ? keyFromRow(rows[0]) : null;
  }

  /** Sets revoked_at once; revoking again keeps the first time. Null when there is no such key. */
  async revokeKey(id: string): Promise<ApiKeyRecord | null> {
    const rows = await returnedRows<Record<string, unknown>>(
      this.dataSource.query(`UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`, [id]),
    );
    return rows.length ? keyFromRow(rows[0]) : null;
  }

  /** The authentication read: one indexed query for the key and its tenant. */
  async findKeyForAuthentication(lookupId: string): Promise<KeyWithTenant | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT k.id, k.tenant_id, k.lookup_id, k.secret_hash, k.scopes, k.expires_at, k.revoked_at, k.last_used_at, k.created_at,
              t.id AS t_id, t.name AS t_name, t.plan AS t_plan, t.status AS t_status, t.allowed_buckets AS t_allowed_buckets,
              t.limit_overrides AS t_limit_overrides, t.created_at AS t_created_at, t.updated_at AS t_updated_at
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.lookup_id = $1`,
      [lookupId],
    );
    if (!rows.length) return null;
    return { key: { ...keyFromRow(rows[0]), secretHash: rows[0].secret_hash as Buffer }, tenant: tenantFromRow(rows[0], 't_') };
  }

  /** Records use at most once a minute per key, whichever gateway replica asks. */
  async touchLastUsed(keyId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [keyId],
    );
  }
}
