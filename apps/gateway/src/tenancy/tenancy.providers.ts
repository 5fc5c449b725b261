import { Logger, Provider } from '@nestjs/common';
import type { RedisClient } from '@validahub/jobs-queueing';
import { DataSource } from 'typeorm';
import { AppConfig, requireApiKeySecret } from '@validahub/config';
import { CompositeStorage } from '@validahub/storage';
import { KeyHasher, publishTenancyInvalidation, TenancyStore, TenantAdmin } from '@validahub/tenancy';
import { VerifiedKeyCache } from '../auth/verified-key-cache';
import { GATEWAY_CONFIG, OBJECT_STORAGE, PRODUCER_REDIS } from '../gateway.tokens';
import { viaRedis } from '../http/dependency-errors';
import { TenantStorage } from './tenant-storage';

const logger = new Logger('TenantAdmin');

export const tenancyProviders: Provider[] = [
  // Throws ConfigError at start-up in production without API_KEY_HMAC_SECRET.
  { provide: KeyHasher, inject: [GATEWAY_CONFIG], useFactory: (config: AppConfig) => new KeyHasher(requireApiKeySecret(config)) },
  { provide: TenancyStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new TenancyStore(dataSource) },
  {
    provide: TenantStorage,
    inject: [GATEWAY_CONFIG, OBJECT_STORAGE],
    useFactory: (config: AppConfig, storage: CompositeStorage) => new TenantStorage(config, storage),
  },
  {
    provide: TenantAdmin,
    inject: [GATEWAY_CONFIG, TenancyStore, KeyHasher, PRODUCER_REDIS, VerifiedKeyCache],
    useFactory: (config: AppConfig, store: TenancyStore, hasher: KeyHasher, redis: RedisClient, cache: VerifiedKeyCache) =>
      new TenantAdmin(store, hasher, {
        serverBuckets: config.storage.s3.allowedBuckets,
        notify: async (message) => {
          // This replica at once (the admin's next request must see it), the others through Redis.
          if (message.kind === 'key') cache.invalidateKey(message.id);
          else cache.invalidateTenant(message.id);
          // The change is committed either way; with Redis down the other gateways cannot be told,
          // and their caches then serve a key for at most 5 s, which keeps revocation within bounds.
          await viaRedis(() => publishTenancyInvalidation(redis, config.connections.queuePrefix, message)).catch((error: unknown) =>
            logger.warn({ err: error, message }, 'could not publish a tenancy invalidation; caches expire within 5 s'),
          );
        },
      }),
  },
];
