// Public API of @validahub/idempotency.
export { IdempotencyModule, type IdempotencyModuleAsyncOptions } from './nest/idempotency.module';
export { Idempotent, IdempotencyCtx } from './nest/idempotent.decorator';
export type { IdempotentRouteOptions } from './nest/route-options';
export { IdempotencyContext, getIdempotencyContext } from './nest/idempotency-context';
export { IdempotencyInterceptor } from './nest/idempotency.interceptor';
export { claimsIdempotencyKey } from './nest/key-presented';
export { PurgeScheduler } from './nest/purge-scheduler';
export {
  idempotencyOptionsFromConfig,
  DEFAULT_LOCK_TIMEOUT_SECONDS,
  DEFAULT_PURGE_INTERVAL_SECONDS,
  DEFAULT_RETENTION_SECONDS,
  type IdempotencyModuleOptions,
  type IdempotencyRequest,
  type ResolvedIdempotencyOptions,
  type TenantResolver,
  type CorrelationIdResolver,
} from './nest/idempotency.options';
export {
  IDEMPOTENCY_STORE,
  IDEMPOTENCY_OPTIONS,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  PROBLEM_CONTENT_TYPE,
} from './nest/idempotency.constants';
export type { ProblemDetails, IdempotencyProblemKind } from './nest/problems';
export { defaultStoragePolicy, DEFAULT_REPLAYED_HEADERS, type StoragePolicy } from './request/storage-policy';
export { fingerprintRequest, canonicalJson, type FingerprintInput } from './request/fingerprint';
export { extractIdempotencyKey, keyValidationError, parseStructuredString, MAX_KEY_LENGTH } from './request/idempotency-key';
export {
  IdempotencyClaimLostError,
  IdempotencyUsageError,
  type IdempotencyStore,
  type IdempotencyClaim,
  type IdempotencyKeyId,
  type ClaimRequest,
  type ClaimOutcome,
  type StoredResponse,
} from './store/idempotency-store';
export type { TransactionExecutor, PgClientLike } from './store/transaction-executor';
export { PostgresIdempotencyStore } from './store/postgres/postgres-idempotency.store';
export { IdempotencyKeyEntity, type IdempotencyKeyState } from './store/postgres/idempotency-key.entity';
export { CreateIdempotencyKeys1767225600000 } from './store/postgres/migrations/1767225600000-create-idempotency-keys';

export { IDEMPOTENCY_ENTITIES, IDEMPOTENCY_MIGRATIONS } from './store/postgres/schema';
