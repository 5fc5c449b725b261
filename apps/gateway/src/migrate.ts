import 'reflect-metadata';
import { ConfigError, loadConfig, readEnvironment } from '@validahub/config';
import { GATEWAY_EXTRA_ENTITIES, GATEWAY_EXTRA_MIGRATIONS } from './infra/gateway-schema';
import { createJobsDataSource, migrateWithLock } from '@validahub/jobs-persistence';

/** `nx run gateway:migrate`: applies pending migrations and exits (for deploy pipelines). */
async function main(): Promise<void> {
  const config = loadConfig(readEnvironment());
  // The same schema as the running gateway: jobs plus the tables it adds (idempotency keys, tenants, API keys).
  const dataSource = await createJobsDataSource({
    databaseUrl: config.connections.databaseUrl,
    extraEntities: GATEWAY_EXTRA_ENTITIES,
    extraMigrations: GATEWAY_EXTRA_MIGRATIONS,
  }).initialize();
  try {
    const ran = await migrateWithLock(dataSource);
    console.log(ran.length ? `applied: ${ran.join(', ')}` : 'database is up to date');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
