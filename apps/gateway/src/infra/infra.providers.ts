import { Logger, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@validahub/config';
import { TaskRegistry } from '@validahub/jobs-domain';
import { createJobsDataSource, JobRepository, LeaderLock, migrateWithLock, UnfinishedJobs } from '@validahub/jobs-persistence';
import { JobQueues, openRedis, type RedisClient } from '@validahub/jobs-queueing';
import { createTaskRegistry } from '@validahub/jobs-tasks';
import { createStorageFromConfig } from '@validahub/storage';
import { GATEWAY_EXTRA_ENTITIES, GATEWAY_EXTRA_MIGRATIONS } from './gateway-schema';
import type { ResolvedGatewayOptions } from '../gateway-options';
import { GATEWAY_CONFIG, GATEWAY_OPTIONS, OBJECT_STORAGE, PRODUCER_REDIS, RECONCILER_LEADER_LOCK } from '../gateway.tokens';

/** The reconciler's advisory lock key: any constant, the same in every replica (the migration lock is 7_310_442_001). */
const RECONCILER_LOCK_KEY = 7_310_442_002;

const logger = new Logger('Infrastructure');

export const infraProviders: Provider[] = [
  {
    // Registered under TypeORM's DataSource class so other modules (idempotency) can inject it.
    provide: DataSource,
    inject: [GATEWAY_CONFIG, GATEWAY_OPTIONS],
    useFactory: async (config: AppConfig, options: ResolvedGatewayOptions) => {
      const dataSource = createJobsDataSource({
        databaseUrl: config.connections.databaseUrl,
        extraEntities: [...GATEWAY_EXTRA_ENTITIES, ...options.extraEntities],
        extraMigrations: [...GATEWAY_EXTRA_MIGRATIONS, ...options.extraMigrations],
      });
      await dataSource.initialize().catch(async (error: unknown) => {
        if (dataSource.isInitialized) await dataSource.destroy();
        throw error;
      });
      if (config.connections.runMigrations) {
        const ran = await migrateWithLock(dataSource);
        if (ran.length) logger.log(`applied migrations: ${ran.join(', ')}`);
      } else if (await dataSource.showMigrations()) {
        // Serving on an older schema would turn requests into 500s: refuse to start instead.
        await dataSource.destroy();
        throw new Error('the database has pending migrations: run `nx run gateway:migrate` first, or start with MIGRATIONS_RUN=true');
      }
      return dataSource;
    },
  },
  {
    provide: PRODUCER_REDIS,
    // Depends on DataSource only for ordering: when Postgres refuses the start-up, no Redis
    // connection has been opened yet that a failed bootstrap could leave behind.
    inject: [GATEWAY_CONFIG, DataSource],
    useFactory: async (config: AppConfig) => {
      // No auto-pipelining: it saves socket writes under load but defers every command to the
      // next setImmediate, which added ~0.2 ms to each create's limit check at p50
      // (bench/jobs/limits-latency.ts: 0.67 ms with it, 0.48 ms without; the contract allows 0.5).
      const redis = openRedis(config.connections, 'producer', { name: 'gateway-producer' });
      // Failures surface on the awaited calls (as 503); the event only needs a listener.
      redis.on('error', (error) => logger.debug(`producer redis: ${String(error)}`));
      // A producer connection queues nothing while connecting: give it a moment so the first
      // requests after start-up find it ready. Redis down is not fatal: it keeps reconnecting.
      if (!(await readyWithin(redis, 2_000))) logger.warn('redis is not reachable yet; requests that need it answer 503 until it is');
      return redis;
    },
  },
  {
    provide: JobQueues,
    inject: [GATEWAY_CONFIG],
    useFactory: (config: AppConfig) => JobQueues.forTarget(config.connections, config.connections.queuePrefix),
  },
  // Throws ConfigError at start-up for storage settings that cannot work.
  { provide: OBJECT_STORAGE, inject: [GATEWAY_CONFIG], useFactory: (config: AppConfig) => createStorageFromConfig(config.storage) },
  { provide: JobRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new JobRepository(dataSource) },
  { provide: UnfinishedJobs, inject: [DataSource], useFactory: (dataSource: DataSource) => new UnfinishedJobs(dataSource) },
  { provide: RECONCILER_LEADER_LOCK, inject: [DataSource], useFactory: (dataSource: DataSource) => new LeaderLock(dataSource, RECONCILER_LOCK_KEY) },
  {
    provide: TaskRegistry,
    inject: [GATEWAY_CONFIG],
    useFactory: (config: AppConfig) => createTaskRegistry({ includeTestTasks: config.worker.enableTestTasks }),
  },
];

function readyWithin(redis: RedisClient, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), ms);
    const onReady = () => done(true);
    function done(ready: boolean) {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    }
    redis.once('ready', onReady);
  });
}
