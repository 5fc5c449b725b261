import { DataSource, DataSourceOptions, EntitySchema, MigrationInterface } from 'typeorm';
import { JobEntity } from './entities/job.entity';
import { JobEventEntity } from './entities/job-event.entity';
import { CreateJobs1764300000000 } from './migrations/1764300000000-create-jobs';
import { JobsTenantIdUuid1767300000000 } from './migrations/1767300000000-tenant-id-uuid';
import { ReconcilerQuietIndexes1767800000000 } from './migrations/1767800000000-reconciler-quiet-indexes';
import { FairRankResultExpiry1768000000000 } from './migrations/1768000000000-fair-rank-result-expiry';
import { JobCompositionColumns1768200000000 } from './migrations/1768200000000-job-composition-columns';
import { CreateReportFacts1768200000200 } from './migrations/1768200000200-report-facts';
import { ReportFactsPerStatement1768200000300 } from './migrations/1768200000300-report-facts-per-statement';
import { ListKeysetIndexes1768500000000 } from './migrations/1768500000000-list-keyset-indexes';
import { ReportFactsOnlyWhenEnded1768600000000 } from './migrations/1768600000000-report-facts-only-when-ended';

type EntityTarget = (new () => unknown) | EntitySchema;
type MigrationClass = new () => MigrationInterface;

export const JOBS_ENTITIES: EntityTarget[] = [JobEntity, JobEventEntity];
export const JOBS_MIGRATIONS: MigrationClass[] = [
  CreateJobs1764300000000,
  JobsTenantIdUuid1767300000000,
  ReconcilerQuietIndexes1767800000000,
  FairRankResultExpiry1768000000000,
  JobCompositionColumns1768200000000,
  CreateReportFacts1768200000200,
  ReportFactsPerStatement1768200000300,
  ListKeysetIndexes1768500000000,
  ReportFactsOnlyWhenEnded1768600000000,
];

export interface DataSourceSettings {
  databaseUrl: string;
  /** Other libraries' tables (e.g. idempotency keys) sharing the gateway's database. */
  extraEntities?: EntityTarget[];
  extraMigrations?: MigrationClass[];
  poolSize?: number;
  /** A request never waits longer than this for a connection (fail fast when Postgres is down). */
  connectTimeoutMs?: number;
  /** Server-side cap per statement, so a stuck query cannot hold a request forever. */
  statementTimeoutMs?: number;
}

export const PG_DEFAULTS = { poolSize: 10, connectTimeoutMs: 3_000, statementTimeoutMs: 10_000 } as const;

/** The gateway's DataSource options: explicit migrations, never `synchronize`. */
export function jobsDataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  const statementTimeoutMs = settings.statementTimeoutMs ?? PG_DEFAULTS.statementTimeoutMs;
  return {
    type: 'postgres',
    url: settings.databaseUrl,
    entities: [...JOBS_ENTITIES, ...(settings.extraEntities ?? [])],
    migrations: [...JOBS_MIGRATIONS, ...(settings.extraMigrations ?? [])],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: settings.poolSize ?? PG_DEFAULTS.poolSize,
      connectionTimeoutMillis: settings.connectTimeoutMs ?? PG_DEFAULTS.connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      // Client-side backstop in case the server never answers at all (network partition).
      query_timeout: statementTimeoutMs + 2_000,
      idle_in_transaction_session_timeout: 30_000,
      application_name: 'validahub-gateway',
    },
  };
}

export function createJobsDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(jobsDataSourceOptions(settings));
}

/** Applies pending migrations; returns the names of those it ran. */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}
