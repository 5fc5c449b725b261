import { DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@validahub/config';
import { DEFAULT_LOCK_TIMEOUT_SECONDS, IdempotencyModule, idempotencyOptionsFromConfig, type IdempotencyModuleOptions } from '@validahub/idempotency';
import { PROBLEM_TYPE_BASE } from '../http/problem';
import { tenantIdOf } from '../auth/request-auth';

/** Test and benchmark knobs; production takes everything from the config. */
export type GatewayIdempotencyOverrides = Pick<IdempotencyModuleOptions, 'retentionSeconds' | 'lockTimeoutSeconds' | 'purgeIntervalSeconds'>;

/**
 * The idempotency module as the gateway uses it. Its store uses the gateway's DataSource (the
 * provider registered under TypeORM's DataSource token), so a key commits with its job.
 */
export function gatewayIdempotencyModule(config: AppConfig, overrides: GatewayIdempotencyOverrides = {}): DynamicModule {
  const fromConfig = idempotencyOptionsFromConfig(config.http);
  const retentionSeconds = overrides.retentionSeconds ?? fromConfig.retentionSeconds ?? config.http.idempotencyTtlSeconds;
  return IdempotencyModule.forRoot({
    ...fromConfig,
    // The library wants the lock shorter than the retention; IDEMPOTENCY_TTL_SECONDS may be as low as 60.
    lockTimeoutSeconds: Math.min(DEFAULT_LOCK_TIMEOUT_SECONDS, retentionSeconds / 2),
    // Same tenant and correlation id as the jobs API itself, and the same problem type URIs.
    tenantResolver: (request) => tenantIdOf(request),
    correlationIdResolver: (request) => (request['id'] === undefined ? undefined : String(request['id'])),
    problemTypeBaseUrl: PROBLEM_TYPE_BASE,
    ...overrides,
  });
}
