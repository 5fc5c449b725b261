import { DataSource } from 'typeorm';
import { runPendingMigrations } from './data-source';

// Any constant works as long as every gateway uses the same one.
const MIGRATION_LOCK_KEY = 7_310_442_001;

/**
 * Runs pending migrations under a Postgres advisory lock, so replicas starting together
 * apply them once: the others wait, then find nothing left to run.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await runPendingMigrations(dataSource);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
