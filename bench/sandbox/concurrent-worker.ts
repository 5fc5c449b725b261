import { randomUUID } from 'node:crypto';
import { basename, dirname } from 'node:path';
import IORedis from 'ioredis';
import { JobPayload, parseJobEvent } from '@validahub/jobs-domain';
import { JobQueues, jobEventsStreamKey, redisOptions } from '@validahub/jobs-queueing';
import { RssSampler, startApp, TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@validahub/testing';

export interface ConcurrentRun {
  jobs: number;
  rows: number;
  wallMs: number;
  idleRssMb: number;
  peakRssMb: number;
  highWaterMb: number;
  outcomes: string[];
}

/**
 * A real enterprise worker process (concurrency 5) gets `jobs` correct_csv_jobs on the same
 * file at once; its RSS is sampled every 100 ms until every job ended.
 */
export async function concurrentJobs(file: string, jobs: number, workerEnv: Record<string, string> = {}): Promise<ConcurrentRun> {
  const prefix = uniqueQueuePrefix('bench-sandbox');
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    STORAGE_ROOT: dirname(file),
    RESULTS_URI: 'results',
    LOG_LEVEL: 'info',
    ...workerEnv,
  };
  const worker = startApp('worker-enterprise', 'apps/worker-enterprise/src/main.ts', env);
  const redis = new IORedis(TEST_REDIS_URL);
  const queues = new JobQueues(redisOptions(TEST_REDIS_URL, 'producer'), prefix);
  try {
    await waitFor(() => worker.output().includes('"worker ready"') || worker.child.exitCode !== null, 120_000);
    if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
    const sampler = new RssSampler({ worker: worker.child.pid! }, 100);
    sampler.start();
    const idleRssMb = sampler.peakMb('worker');
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const payload: JobPayload = {
        jobId: randomUUID(),
        task: 'correct_csv_job',
        params: { input_uri: basename(file), marketplace: 'mercado_livre', category: 'electronics' },
        plan: 'enterprise',
        correlationId: `bench-${i}`,
        maxAttempts: 1,
        timeLimitSeconds: 1_800,
        expiresAt: null,
      };
      ids.push(payload.jobId);
      await queues.enqueue(payload, { priority: 10 });
    }
    const ended = new Map<string, { type: string; rows: number }>();
    await waitFor(
      async () => {
        const entries = (await redis.xrange(jobEventsStreamKey(prefix), '-', '+')) as [string, string[]][];
        for (const [, fields] of entries) {
          const event = parseJobEvent(JSON.parse(fields[fields.indexOf('event') + 1]));
          if (event && ['succeeded', 'failed'].includes(event.type))
            ended.set(event.jobId, { type: event.type, rows: event.type === 'succeeded' ? Number(event.summary?.rows_total) : 0 });
        }
        return ids.every((id) => ended.has(id));
      },
      1_800_000,
      'every job ended',
    );
    const wallMs = Date.now() - started;
    sampler.stop();
    const results = ids.map((id) => ended.get(id)!);
    return {
      jobs,
      rows: results.reduce((sum, r) => sum + r.rows, 0),
      wallMs,
      idleRssMb,
      peakRssMb: sampler.peakMb('worker'),
      highWaterMb: sampler.highWaterMb('worker'),
      outcomes: results.map((r) => r.type),
    };
  } finally {
    await worker.kill('SIGTERM');
    for (const queue of queues.all()) await queue.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
    await redis.del(jobEventsStreamKey(prefix));
    redis.disconnect();
  }
}
