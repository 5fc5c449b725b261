import { DataSource } from 'typeorm';
import { AppConfig, requireApiKeySecret } from '@validahub/config';
import { createJobsDataSource } from '@validahub/jobs-persistence';
import { openRedis } from '@validahub/jobs-queueing';
import { KeyHasher, publishTenancyInvalidation, TenancyStore, TenantAdmin } from '@validahub/tenancy';

export interface AdminContext {
  admin: TenantAdmin;
  close(): Promise<void>;
}

/** Thrown for what the operator must fix before any command can run (database not ready). */
export class AdminSetupError extends Error {}

/**
 * The same TenantAdmin the gateway's admin routes use, on the gateway's database and Redis:
 * changes are published to every gateway, so they hold on the next request. A publish that
 * fails is reported on stderr (the caches of unreachable gateways expire within 5 s anyway).
 */
export async function openAdminContext(config: AppConfig, warn: (message: string) => void): Promise<AdminContext> {
  const hasher = new KeyHasher(requireApiKeySecret(config));
  const dataSource: DataSource = await createJobsDataSource({ databaseUrl: config.connections.databaseUrl, poolSize: 2 }).initialize();
  const [{ ready }] = await dataSource.query(`SELECT to_regclass('api_keys') IS NOT NULL AS ready`);
  if (!ready) {
    await dataSource.destroy();
    throw new AdminSetupError('the database has no tenant tables yet: start the gateway once or run `npm run migrate`');
  }
  // One attempt to connect, no reconnecting: a command must end, Redis up or not.
  const redis = openRedis(config.connections, 'producer', {
    lazyConnect: true,
    retryStrategy: null,
    connectTimeoutMs: 3_000,
    name: 'validahub-admin',
  });
  redis.on('error', () => undefined);
  const admin = new TenantAdmin(new TenancyStore(dataSource), hasher, {
    serverBuckets: config.storage.s3.allowedBuckets,
    notify: async (message) => {
      try {
        if (redis.status === 'wait') await redis.connect();
        await publishTenancyInvalidation(redis, config.connections.queuePrefix, message);
      } catch (error) {
        warn(`warning: the change is saved, but the gateways could not be told at once (${String(error)}); they pick it up within 5 s`);
      }
    },
  });
  return {
    admin,
    async close() {
      redis.disconnect();
      await dataSource.destroy();
    },
  };
}
