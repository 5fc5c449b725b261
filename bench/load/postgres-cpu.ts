import { Client } from 'pg';
import { processCpuSeconds } from './node-process';

/** CPU seconds so far of each Postgres backend serving one database (pid -> seconds), and its committed transactions. */
export type BackendCpu = Map<number, number> & { commits?: number };

/**
 * Reads the CPU used by the Postgres backends of one database from /proc (the benchmark runs on
 * the database's machine). A benchmark's fresh database is served only by its gateway's pool, so
 * the difference of two readings is the database work its requests cost.
 */
export async function readBackendCpu(databaseUrl: string): Promise<BackendCpu> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const cpu: BackendCpu = new Map();
    // pg_stat_database lags by up to a stats flush (about 1 s): good enough over a load run of seconds.
    const { rows: stats } = await pg.query<{ commits: string }>(
      `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`,
    );
    cpu.commits = Number(stats[0]?.commits ?? 0);
    for (const { pid } of rows) {
      try {
        cpu.set(pid, processCpuSeconds(pid));
      } catch {
        // The backend ended between the query and the read.
      }
    }
    return cpu;
  } finally {
    await pg.end();
  }
}

/** Transactions committed in the database between two readings (every statement outside a transaction counts as one). */
export function commitsBetween(before: BackendCpu, after: BackendCpu): number {
  return (after.commits ?? 0) - (before.commits ?? 0);
}

/** CPU seconds used between two readings (a backend started in between counts from zero; one that ended is lost). */
export function backendCpuUsed(before: BackendCpu, after: BackendCpu): number {
  let seconds = 0;
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}
