import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import IORedis, { Cluster } from 'ioredis';
import { PrivateRedisCluster, startApp, startPrivateRedisCluster, TEST_REDIS_URL, waitFor, WORKSPACE_ROOT } from '@validahub/testing';
import { runAdminCli, tenantWithKey } from '../support/admin-cli';
import { TestSystem } from '../support/system';

jest.setTimeout(240_000);

type Json = Record<string, unknown>;
const SAMPLE = join(WORKSPACE_ROOT, 'samples', 'mercado-livre-electronics.csv');
/** The free tier's create limit in this system: small, so the test reaches it. */
const FREE_CREATES_PER_MINUTE = 2;

// Gateway, worker and admin CLI as real processes on a three-master Redis Cluster (nothing on
// the shared single Redis): every Redis user of the create path and of a job's life must work there.
describe('on a Redis Cluster (three masters, real processes)', () => {
  let cluster: PrivateRedisCluster;
  let system: TestSystem;
  let redis: Cluster;
  let pro: { tenantId: string; keyId: string; key: string };
  let free: { tenantId: string; keyId: string; key: string };

  const call = async (key: string, method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${system.api.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body === undefined || init.body instanceof FormData ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : init.body instanceof FormData ? init.body : JSON.stringify(init.body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Json };
  };
  const create = (key: string, body: Json, headers: Record<string, string> = {}) => call(key, 'POST', '/api/v1/jobs', { body, headers });
  const statusOf = async (key: string, id: string) => (await call(key, 'GET', `/api/v1/jobs/${id}`)).body.status as string;
  const until = async (key: string, id: string, status: string, ms = 60_000) =>
    waitFor(async () => (await statusOf(key, id)) === status, ms, `job ${id} ${status}\n${system.logs(3000)}`);
  /** The key prefix the processes use: the hash-tagged QUEUE_PREFIX. */
  const prefix = () => `{${system.prefix}}`;

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster();
    redis = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    system = await TestSystem.create({
      label: 'redis-cluster',
      redisClusterNodes: cluster.nodes,
      env: { AUTH_MODE: 'required', RATE_LIMIT_CREATES_PER_MINUTE_FREE: String(FREE_CREATES_PER_MINUTE), LOG_LEVEL: 'info' },
    });
    await system.startGateway();
    await system.startWorker(['free', 'pro']);
    pro = await tenantWithKey(system.environment, 'acme', 'pro');
    free = await tenantWithKey(system.environment, 'tiny', 'free');
  });

  afterAll(async () => {
    await system?.stop();
    redis?.disconnect();
    await cluster?.stop();
  });

  it('a CSV uploaded and created over HTTP runs on the worker to succeeded; the queue keys share the prefix slot', async () => {
    const form = new FormData();
    form.append('file', await openAsBlob(SAMPLE, { type: 'text/csv' }), 'feed.csv');
    const upload = await call(pro.key, 'POST', '/api/v1/files', { body: form });
    expect(upload.status).toBe(201);
    const created = await create(pro.key, {
      task: 'validate_csv_job',
      params: { input_uri: upload.body.uri, marketplace: 'mercado_livre', category: 'electronics' },
    });
    expect(created.status).toBe(202);
    const id = String(created.body.id);
    await until(pro.key, id, 'succeeded');
    const job = (await call(pro.key, 'GET', `/api/v1/jobs/${id}`)).body;
    expect(job).toMatchObject({ status: 'succeeded', plan: 'pro', summary: expect.objectContaining({ rows_total: 5 }) });
    const events = (await call(pro.key, 'GET', `/api/v1/jobs/${id}/events`)).body.items as Json[];
    expect(events.map((e) => e.to_status)).toEqual(['queued', 'running', 'succeeded']);

    // BullMQ kept the finished job under the hash-tagged prefix, on the same slot as our own keys.
    const jobKey = `${prefix()}:queue-pro:${id}`;
    expect(await redis.exists(jobKey)).toBe(1);
    const slots = await Promise.all([jobKey, `${prefix()}:queue-pro:meta`, `${prefix()}:job-events`].map((key) => redis.cluster('KEYSLOT', key)));
    expect(new Set(slots).size).toBe(1);
  });

  it('an idempotency key reused replays the first answer instead of creating a second job', async () => {
    const body = { task: 'noop_job', params: {} };
    const first = await create(pro.key, body, { 'idempotency-key': 'cluster-replay-1' });
    const second = await create(pro.key, body, { 'idempotency-key': 'cluster-replay-1' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    // The same key with another body is refused, not replayed.
    const other = await create(pro.key, { task: 'noop_job', params: {}, priority: 9 }, { 'idempotency-key': 'cluster-replay-1' });
    expect(other.status).toBe(422);
    await until(pro.key, String(first.body.id), 'succeeded');
  });

  it('rate limits count on the cluster: the free tier gets 429 with RateLimit headers past its create limit', async () => {
    const body = { task: 'noop_job', params: {} };
    const answers = [];
    for (let i = 0; i <= FREE_CREATES_PER_MINUTE; i += 1) answers.push(await create(free.key, body));
    expect(answers.map((a) => a.status)).toEqual([...Array(FREE_CREATES_PER_MINUTE).fill(202), 429]);
    const refused = answers[FREE_CREATES_PER_MINUTE];
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.type).toEqual(expect.stringContaining('rate-limited'));
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The counter lives in the cluster under the tenant's key.
    expect(await redis.get(`${prefix()}:rl:creates:${free.tenantId}`)).toBe(String(FREE_CREATES_PER_MINUTE + 1));
    // Another tenant is not held to it.
    expect((await create(pro.key, body)).status).toBe(202);
  });

  it('a cancel reaches the worker running the job, and the live stream follows it to cancelled', async () => {
    const created = await create(pro.key, { task: 'sleep_job', params: { ms: 60_000 } });
    const id = String(created.body.id);
    await until(pro.key, id, 'running');
    const stream = await fetch(`${system.api.baseUrl}/api/v1/jobs/${id}/stream`, {
      headers: { authorization: `Bearer ${pro.key}` },
      signal: AbortSignal.timeout(30_000),
    });
    expect(stream.status).toBe(200);
    const text = stream.text();
    const cancel = await call(pro.key, 'DELETE', `/api/v1/jobs/${id}`);
    expect(cancel.status).toBe(202);
    await until(pro.key, id, 'cancelled', 30_000);
    const events = await text;
    expect(events).toContain('event: status');
    expect(events).toMatch(/"status":"cancelled"/);
  });

  it('a key revoked with the admin CLI is refused at once (tenancy invalidations over cluster pub/sub)', async () => {
    const spare = await runAdminCli(system.environment, 'keys', 'create', '--tenant', 'acme');
    const key = String(spare.key);
    expect((await call(key, 'GET', '/api/v1/jobs?limit=1')).status).toBe(200);
    // The CLI publishes before it exits. Without the message the gateway would serve its cached
    // entry for up to 4 s more (the fallback while invalidations cannot arrive) or 60 s (live).
    await runAdminCli(system.environment, 'keys', 'revoke', String(spare.id));
    await waitFor(async () => (await call(key, 'GET', '/api/v1/jobs?limit=1')).status === 401, 500, 'revoked key refused');
  });

  it('gateway and worker refuse to start on a bad cluster configuration, naming the variable', async () => {
    const gateway = startApp('gateway-bad-nodes', 'apps/gateway/src/main.ts', {
      ...system.environment,
      REDIS_CLUSTER_NODES: `${cluster.nodes},redis://127.0.0.1:7000/3`,
      PORT: '0',
    });
    const worker = startApp('worker-two-targets', 'apps/worker-free/src/main.ts', { ...system.environment, REDIS_URL: TEST_REDIS_URL });
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    expect(gateway.output()).toContain(
      'REDIS_CLUSTER_NODES entry "redis://127.0.0.1:7000/3" selects database 3; a Redis Cluster has only database 0',
    );
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(worker.output()).toContain('REDIS_URL and REDIS_CLUSTER_NODES are both set');
  });

  it('gateway and worker stop cleanly on SIGTERM, and nothing of this system was written to the shared single Redis', async () => {
    const [gateway, worker] = system.processes;
    for (const stopping of [worker, gateway]) {
      const startedAt = Date.now();
      await stopping.kill('SIGTERM');
      // Nest re-raises the signal once every shutdown hook ran (cluster clients closed included).
      expect(await stopping.exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(Date.now() - startedAt).toBeLessThan(10_000);
    }
    const shared = new IORedis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await shared.connect();
      expect(await shared.keys(`*${system.prefix}*`)).toEqual([]);
    } finally {
      shared.disconnect();
    }
  });
});
