import { EnvReader } from '../env-reader';

export interface ConnectionsConfig {
  /** Postgres connection string (gateway only: workers hold no database credentials). */
  databaseUrl: string;
  /** Redis connection string; CELERY_BROKER_URL from the seed is accepted as a fallback. */
  redisUrl: string;
  /** BullMQ key prefix; tests give each file its own so runs never see each other's queues. */
  queuePrefix: string;
  /** Apply pending database migrations when the gateway starts (MIGRATIONS_RUN, default true). */
  runMigrations: boolean;
}

export function readConnections(env: EnvReader): ConnectionsConfig {
  return {
    databaseUrl: env.url('DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/validahub', ['postgresql:', 'postgres:']),
    redisUrl: env.url(['REDIS_URL', 'CELERY_BROKER_URL'], 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
    queuePrefix: env.string('QUEUE_PREFIX', 'validahub'),
    runMigrations: env.bool('MIGRATIONS_RUN', true),
  };
}
