import type { HttpConfig } from '@validahub/config';
import type { DataSource } from 'typeorm';
import { DEFAULT_REPLAYED_HEADERS, defaultStoragePolicy, StoragePolicy } from '../request/storage-policy';
import type { IdempotencyStore } from '../store/idempotency-store';

/** The request as the resolvers see it (a FastifyRequest, plus whatever auth put on it). */
export type IdempotencyRequest = {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
} & Record<string, unknown>;

export type TenantResolver = (request: IdempotencyRequest) => string | Promise<string>;
export type CorrelationIdResolver = (request: IdempotencyRequest) => string | undefined;

export interface IdempotencyModuleOptions {
  /** The app's DataSource (with IDEMPOTENCY_MIGRATIONS run). Default: the @nestjs/typeorm one. */
  dataSource?: DataSource;
  /** Name of the @nestjs/typeorm DataSource to use when `dataSource` is not given. */
  dataSourceName?: string;
  /** Replaces the Postgres adapter (another IdempotencyStore implementation). */
  store?: IdempotencyStore;
  /** How long completed responses are replayed. Default 86 400 (config IDEMPOTENCY_TTL_SECONDS). */
  retentionSeconds?: number;
  /** How long an in-flight claim is protected before another request may take it over. Default 60. */
  lockTimeoutSeconds?: number;
  /** Interval of the background purge of expired keys; 0 turns it off. Default 600. */
  purgeIntervalSeconds?: number;
  /** Upper bound of the Retry-After sent with a 409 for an in-flight key. Default 1. */
  retryAfterSeconds?: number;
  /** Default: `request.tenantId ?? 'anonymous'`. */
  tenantResolver?: TenantResolver;
  /** Default: `request.correlationId`, else the X-Correlation-Id header. */
  correlationIdResolver?: CorrelationIdResolver;
  /** Prefix of problem `type` URIs. Default `https://validahub.dev/problems/`. */
  problemTypeBaseUrl?: string;
  /** Which response statuses are stored for replay. Default: see storage-policy.ts. */
  storagePolicy?: StoragePolicy;
  /** Response headers stored and replayed. Default: Location, Content-Type, Content-Location, Link, ETag, Last-Modified. */
  replayedHeaders?: readonly string[];
}

export interface ResolvedIdempotencyOptions {
  retentionSeconds: number;
  lockTimeoutMs: number;
  purgeIntervalMs: number;
  retryAfterSeconds: number;
  tenantResolver: TenantResolver;
  correlationIdResolver: CorrelationIdResolver;
  problemTypeBaseUrl: string;
  storagePolicy: StoragePolicy;
  replayedHeaders: readonly string[];
}

export const DEFAULT_RETENTION_SECONDS = 86_400;
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 60;
export const DEFAULT_PURGE_INTERVAL_SECONDS = 600;

export const defaultTenantResolver: TenantResolver = (request) => {
  const tenant = request['tenantId'];
  return typeof tenant === 'string' && tenant !== '' ? tenant : 'anonymous';
};

export const defaultCorrelationIdResolver: CorrelationIdResolver = (request) => {
  const own = request['correlationId'];
  if (typeof own === 'string' && own !== '') return own;
  const header = request.headers['x-correlation-id'];
  return typeof header === 'string' && header !== '' ? header : undefined;
};

/** Options for the module from the validated app config (http section). */
export function idempotencyOptionsFromConfig(http: Pick<HttpConfig, 'idempotencyTtlSeconds'>): IdempotencyModuleOptions {
  return { retentionSeconds: http.idempotencyTtlSeconds };
}

export function resolveIdempotencyOptions(options: IdempotencyModuleOptions): ResolvedIdempotencyOptions {
  const retentionSeconds = options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
  const lockTimeoutSeconds = options.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_SECONDS;
  const purgeIntervalSeconds = options.purgeIntervalSeconds ?? DEFAULT_PURGE_INTERVAL_SECONDS;
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const problems: string[] = [];
  if (!Number.isInteger(retentionSeconds) || retentionSeconds < 1)
    problems.push(`retentionSeconds must be a positive whole number, got ${retentionSeconds}`);
  if (!(lockTimeoutSeconds > 0)) problems.push(`lockTimeoutSeconds must be > 0, got ${lockTimeoutSeconds}`);
  // An abandoned claim must be re-claimable before its row can be purged or expire.
  if (lockTimeoutSeconds >= retentionSeconds)
    problems.push(`lockTimeoutSeconds (${lockTimeoutSeconds}) must be below retentionSeconds (${retentionSeconds})`);
  if (!(purgeIntervalSeconds >= 0)) problems.push(`purgeIntervalSeconds must be >= 0, got ${purgeIntervalSeconds}`);
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1)
    problems.push(`retryAfterSeconds must be a whole number >= 1, got ${retryAfterSeconds}`);
  if (problems.length) throw new Error(`Invalid IdempotencyModule options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  const base = options.problemTypeBaseUrl ?? 'https://validahub.dev/problems/';
  return {
    retentionSeconds,
    lockTimeoutMs: Math.round(lockTimeoutSeconds * 1000),
    purgeIntervalMs: Math.round(purgeIntervalSeconds * 1000),
    retryAfterSeconds,
    tenantResolver: options.tenantResolver ?? defaultTenantResolver,
    correlationIdResolver: options.correlationIdResolver ?? defaultCorrelationIdResolver,
    problemTypeBaseUrl: base.endsWith('/') ? base : `${base}/`,
    storagePolicy: options.storagePolicy ?? defaultStoragePolicy,
    replayedHeaders: options.replayedHeaders ?? DEFAULT_REPLAYED_HEADERS,
  };
}
