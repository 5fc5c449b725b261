// sync_connector_job with real processes: the gateway accepts the job over HTTP, a worker process
// streams a 2 GiB feed (generated on the fly by a loopback server) into storage, and its memory
// stays flat. A second sync of the same source ends unchanged through a 304.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, streamedBody, type TestServer } from '@validahub/outbound-http/testing';
import { AppProcess, waitFor } from '@validahub/testing';
import type { JobView } from './support/api-client';
import { TestSystem } from './support/system';

jest.setTimeout(600_000);

const FEED_BYTES = 2 * 1024 ** 3;
const WARM_UP_BYTES = 128 * 1024 ** 2;
const MIB = 1024 * 1024;

/** Resident set size of a process in bytes, from /proc (Linux). */
function residentBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

describe('sync_connector_job end to end (gateway and worker processes)', () => {
  let system: TestSystem;
  let worker: AppProcess;
  let server: TestServer;
  let sent: Promise<{ sha256: string; bytes: number }> | null = null;

  beforeAll(async () => {
    server = await startTestServer((req, res) => {
      if (req.headers['if-none-match'] === '"big-v1"') return void res.writeHead(304).end();
      const bytes = req.url?.includes('warm-up') ? WARM_UP_BYTES : FEED_BYTES;
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(bytes), etag: '"big-v1"' });
      sent = streamedBody(res, bytes);
      sent.catch(() => undefined);
    });
    system = await TestSystem.create({
      label: 'sync',
      env: { WEBHOOK_ALLOW_PRIVATE: 'true', MAX_UPLOAD_BYTES: String(3 * 1024 ** 3) },
    });
    await system.startGateway();
    worker = await system.startWorker(['free']);
  });
  afterAll(async () => {
    await system?.stop();
    await server?.close();
  });

  async function finished(id: string, ms: number): Promise<JobView> {
    let job: JobView | undefined;
    await waitFor(
      async () => {
        job = await system.api.job(id);
        return ['succeeded', 'failed', 'cancelled', 'expired'].includes(job.status);
      },
      ms,
      `job ${id} finished`,
    );
    return job!;
  }

  it('streams a 2 GiB feed into feeds/ with flat worker memory, then a second sync is unchanged (304)', async () => {
    const pid = worker.child.pid!;
    // A first, smaller sync loads the code paths and buffers every sync uses: growth past it is what a size costs.
    const warmUp = await system.api.createJob(
      'sync_connector_job',
      { source: { type: 'http', url: `${server.origin}/exports/warm-up.csv` } },
      'free',
    );
    expect((await finished(warmUp.id, 120_000)).summary).toMatchObject({ size: WARM_UP_BYTES });
    const baseline = residentBytes(pid);
    const created = await system.api.createJob('sync_connector_job', { source: { type: 'http', url: `${server.origin}/exports/big.csv` } }, 'free');
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 100);
    const started = Date.now();
    let job: JobView;
    try {
      job = await finished(created.id, 540_000);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    expect({ status: job.status, error: job.error }).toEqual({ status: 'succeeded', error: null });
    const expected = await sent!;
    expect(job.summary).toEqual({ uri: 'feeds/big.csv', size: FEED_BYTES, sha256: expected.sha256, unchanged: false });
    expect(statSync(join(system.storage, 'feeds/big.csv')).size).toBe(FEED_BYTES);

    const growth = peak - baseline;
    console.log(
      `sync 2 GiB: ${seconds.toFixed(1)} s (${(FEED_BYTES / MIB / seconds).toFixed(0)} MiB/s); worker RSS after a 128 MiB sync ${(baseline / MIB).toFixed(0)} MiB, ` +
        `peak ${(peak / MIB).toFixed(0)} MiB (+${(growth / MIB).toFixed(0)} MiB), VmHWM ${(residentBytes(pid, 'VmHWM') / MIB).toFixed(0)} MiB`,
    );
    // Flat: the worker holds a few chunks at a time, not the feed (2048 MiB).
    expect(growth).toBeLessThan(150 * MIB);

    const again = await system.api.createJob('sync_connector_job', { source: { type: 'http', url: `${server.origin}/exports/big.csv` } }, 'free');
    const unchanged = await finished(again.id, 60_000);
    expect(unchanged.status).toBe('succeeded');
    expect(unchanged.summary).toEqual({ uri: 'feeds/big.csv', size: FEED_BYTES, sha256: expected.sha256, unchanged: true });
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe('"big-v1"');
  });
});
