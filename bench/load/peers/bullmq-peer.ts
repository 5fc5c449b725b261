/**
 * Raw BullMQ as its own process, the baseline of the whole-path benchmark (nothing persisted
 * beyond Redis). `produce`: N jobs with `add()` (batch 1) or `addBulk()` (batch > 1), `inFlight`
 * calls at once, then prints `{"startedAt", "finishedAt"}` (epoch ms). `work`: a no-op Worker at the given concurrency
 * until killed. Usage: bullmq-peer.ts produce|work <prefix> <N> <batch> <inFlight|concurrency>
 */
import { Queue, Worker } from 'bullmq';
import { bullConnection, redisOptions } from '@validahub/jobs-queueing';
import { TEST_REDIS_URL } from '@validahub/testing';
import { runPool } from '../../jobs/latency-stats';

export const PEER_QUEUE = 'peer';

async function main(): Promise<void> {
  const [mode, prefix, n, batch, parallel] = process.argv.slice(2);
  const connection = bullConnection(redisOptions(TEST_REDIS_URL, mode === 'work' ? 'worker' : 'producer'));
  if (mode === 'work') {
    const worker = new Worker(PEER_QUEUE, async () => undefined, { connection, prefix, concurrency: Number(parallel) });
    await worker.waitUntilReady();
    console.log('ready');
    process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
    return;
  }
  const queue = new Queue(PEER_QUEUE, { connection, prefix });
  const size = Number(batch);
  const calls = Math.ceil(Number(n) / size);
  // Timed from here (not from process start): the parent reads this line.
  const startedAt = Date.now();
  await runPool(calls, Number(parallel), async (call) => {
    if (size === 1) await queue.add('noop', { i: call });
    else await queue.addBulk(Array.from({ length: size }, (_, i) => ({ name: 'noop', data: { i: call * size + i } })));
  });
  console.log(JSON.stringify({ startedAt, finishedAt: Date.now() }));
  await queue.close();
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
