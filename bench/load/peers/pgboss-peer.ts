/**
 * pg-boss (Postgres-only queue) as its own process, a peer in the whole-path benchmark.
 * `produce`: N jobs with `send()` (batch 1) or `insert()` (batch > 1), `inFlight` calls at once,
 * then prints `{"startedAt", "finishedAt"}` (epoch ms). `work`: `concurrency` workers (`work()` each, fetching
 * up to WORK_BATCH jobs at the shortest polling interval pg-boss allows) with a no-op handler until killed.
 * Usage: pgboss-peer.ts produce|work <databaseUrl> <N> <batch> <inFlight|concurrency>
 */
import PgBoss from 'pg-boss';
import { runPool } from '../../jobs/latency-stats';

export const PGBOSS_QUEUE = 'peer';
export const WORK_BATCH = 100;

async function main(): Promise<void> {
  const [mode, databaseUrl, n, batch, parallel] = process.argv.slice(2);
  const boss = new PgBoss({ connectionString: databaseUrl, max: 10, supervise: mode === 'work', schedule: false });
  boss.on('error', (error) => console.error(error));
  await boss.start();
  await boss.createQueue(PGBOSS_QUEUE);
  if (mode === 'work') {
    // A pg-boss worker waits its polling interval (0.5 s at least) after every fetch, so it gets a
    // batch per fetch: WORK_BATCH jobs, handled together, lets it go well past concurrency/0.5 s.
    for (let i = 0; i < Number(parallel); i++) {
      await boss.work(PGBOSS_QUEUE, { batchSize: WORK_BATCH, pollingIntervalSeconds: 0.5 }, async () => undefined);
    }
    console.log('ready');
    process.once('SIGTERM', () => void boss.stop({ graceful: false }).then(() => process.exit(0)));
    return;
  }
  const size = Number(batch);
  const calls = Math.ceil(Number(n) / size);
  // Timed from here (not from process start): the parent reads this line.
  const startedAt = Date.now();
  await runPool(calls, Number(parallel), async (call) => {
    if (size === 1) await boss.send(PGBOSS_QUEUE, { i: call });
    else await boss.insert(Array.from({ length: size }, (_, i) => ({ name: PGBOSS_QUEUE, data: { i: call * size + i } })));
  });
  console.log(JSON.stringify({ startedAt, finishedAt: Date.now() }));
  await boss.stop({ graceful: false });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
