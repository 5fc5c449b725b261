// sync_connector_job through the worker runtime (real Redis, BullMQ retries, local-disk storage)
// against loopback HTTP servers: conditional syncs, 4xx vs 5xx, and the SSRF rule.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobEvent } from '@validahub/jobs-domain';
import { startTestServer, type TestServer } from '@validahub/outbound-http/testing';
import { RuntimeHarness, sleep } from '../testing/runtime-harness';

jest.setTimeout(60_000);

type Succeeded = Extract<JobEvent, { type: 'succeeded' }>;
type Failed = Extract<JobEvent, { type: 'failed' }>;
type Retrying = Extract<JobEvent, { type: 'retrying' }>;
const FEED = 'sku,title,price\nA-1,Phone,10.00\n';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('worker runtime: sync_connector_job', () => {
  let root: string;
  let server: TestServer;
  let dev: RuntimeHarness;
  let prod: RuntimeHarness;
  let busyFor = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vh-runtime-sync-'));
    server = await startTestServer((req, res) => {
      if (req.url === '/gone.csv') return void res.writeHead(404).end();
      if (req.url === '/busy.csv' && busyFor-- > 0) return void res.writeHead(503).end();
      if (req.url?.startsWith('/no-etag/')) return void res.writeHead(200, { 'content-type': 'text/csv' }).end(FEED);
      if (req.headers['if-none-match'] === '"feed-v1"') return void res.writeHead(304).end();
      res.writeHead(200, { etag: '"feed-v1"', 'content-type': 'text/csv' }).end(FEED);
    });
    const env = { STORAGE_ROOT: root, RESULTS_URI: 'results' };
    // Development: loopback reachable. Production-like: the allowance off (the default).
    dev = new RuntimeHarness('sync-dev', { ...env, WEBHOOK_ALLOW_PRIVATE: 'true' });
    prod = new RuntimeHarness('sync-prod', env);
    // The full registry: every shipped task needs its handler or start() refuses to run.
    await dev.startRuntime(['pro'], { registry: undefined });
    await prod.startRuntime(['pro'], { registry: undefined });
  });
  afterAll(async () => {
    await Promise.all([dev.close(), prod.close()]);
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const types = async (h: RuntimeHarness, jobId: string) => (await h.events(jobId)).map((e) => e.type).filter((type) => type !== 'progress');

  it('stores the feed, then a 304 on the next sync ends succeeded with unchanged: true', async () => {
    const first = await dev.enqueue('sync_connector_job', { source: { type: 'http', url: `${server.origin}/catalog.csv` } }, { plan: 'pro' });
    const stored = (await dev.waitForEvent(first.jobId, 'succeeded')) as Succeeded;
    expect(stored.resultRef).toBe('feeds/catalog.csv');
    expect(stored.summary).toEqual({ uri: 'feeds/catalog.csv', size: FEED.length, sha256: sha256(FEED), unchanged: false });
    expect(await readFile(join(root, 'feeds/catalog.csv'), 'utf8')).toBe(FEED);

    const second = await dev.enqueue('sync_connector_job', { source: { type: 'http', url: `${server.origin}/catalog.csv` } }, { plan: 'pro' });
    const again = (await dev.waitForEvent(second.jobId, 'succeeded')) as Succeeded;
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe('"feed-v1"');
    expect(again.summary).toEqual({ uri: 'feeds/catalog.csv', size: FEED.length, sha256: sha256(FEED), unchanged: true });
  });

  it('without validators from the source, the same bytes again end unchanged by sha256', async () => {
    const params = { source: { type: 'http', url: `${server.origin}/no-etag/daily.csv` } };
    const first = (await dev.waitForEvent((await dev.enqueue('sync_connector_job', params, { plan: 'pro' })).jobId, 'succeeded')) as Succeeded;
    const second = (await dev.waitForEvent((await dev.enqueue('sync_connector_job', params, { plan: 'pro' })).jobId, 'succeeded')) as Succeeded;
    expect(server.requests.at(-1)?.headers['if-none-match']).toBeUndefined();
    expect(first.summary).toEqual({ uri: 'feeds/daily.csv', size: FEED.length, sha256: sha256(FEED), unchanged: false });
    expect(second.summary).toEqual({ uri: 'feeds/daily.csv', size: FEED.length, sha256: sha256(FEED), unchanged: true });
  });

  it('a 404 from the source fails at once and is not retried', async () => {
    const job = await dev.enqueue(
      'sync_connector_job',
      { source: { type: 'http', url: `${server.origin}/gone.csv` } },
      { plan: 'pro', maxAttempts: 4 },
    );
    const failed = (await dev.waitForEvent(job.jobId, 'failed')) as Failed;
    expect(failed.error).toEqual({ code: 'source_rejected', message: `${server.origin}/gone.csv answered 404 Not Found`, retryable: false });
    await sleep(800);
    expect(await types(dev, job.jobId)).toEqual(['started', 'failed']);
    expect(server.requests.filter((r) => r.url === '/gone.csv')).toHaveLength(1);
  });

  it('a 503 is retried with backoff, and the job succeeds once the source recovers', async () => {
    busyFor = 2;
    const job = await dev.enqueue(
      'sync_connector_job',
      { source: { type: 'http', url: `${server.origin}/busy.csv` } },
      { plan: 'pro', maxAttempts: 4 },
    );
    const done = (await dev.waitForEvent(job.jobId, 'succeeded', 20_000)) as Succeeded;
    const events = (await dev.events(job.jobId)).filter((e) => e.type !== 'progress');
    expect(events.map((e) => `${e.type}#${e.attempt}`)).toEqual(['started#1', 'retrying#1', 'started#2', 'retrying#2', 'started#3', 'succeeded#3']);
    const retry = events.find((e): e is Retrying => e.type === 'retrying');
    expect(retry?.error).toEqual({
      code: 'source_unavailable',
      message: `${server.origin}/busy.csv answered 503 Service Unavailable`,
      retryable: true,
    });
    expect(done.summary).toMatchObject({ uri: 'feeds/busy.csv', size: FEED.length });
  });

  it('with the allowance off, a private address is refused, never connected to, never retried', async () => {
    const seen = server.requests.length;
    for (const url of [
      `https://127.0.0.1:${server.port}/catalog.csv`,
      `https://[::ffff:127.0.0.1]:${server.port}/catalog.csv`,
      `https://localhost:${server.port}/`,
    ]) {
      const job = await prod.enqueue('sync_connector_job', { source: { type: 'http', url }, name: 'refused.csv' }, { plan: 'pro', maxAttempts: 3 });
      const failed = (await prod.waitForEvent(job.jobId, 'failed')) as Failed;
      expect(failed.error).toMatchObject({ code: 'source_refused', retryable: false });
      expect(failed.error.message).toMatch(/is an? (IPv4-mapped form of a )?loopback address; only public addresses may be reached$/);
      expect(await types(prod, job.jobId)).toEqual(['started', 'failed']);
    }
    expect(server.requests.length).toBe(seen);
  });
});
