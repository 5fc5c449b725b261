import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Plan, PLANS, queueForPlan } from '@validahub/jobs-domain';
import {
  AppProcess,
  createTestDatabase,
  freePort,
  startApp,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
  WORKSPACE_ROOT,
} from '@validahub/testing';
import { ApiClient, JobView } from '../support/api-client';
import { auditProblems } from '../support/audit';

/**
 * The whole platform as deployed: the gateway and the four tier apps (apps/worker-<plan>),
 * each a real process. Proves each plan's job runs on its own tier, and that a gateway killed
 * while workers keep finishing jobs loses no transition.
 */
describe('platform: gateway + one worker app per tier', () => {
  let db: TestDatabase;
  let storage: string;
  let env: Record<string, string>;
  let api: ApiClient;
  let gateway: AppProcess;
  const workers = new Map<Plan, AppProcess>();

  const startGateway = async () => {
    const port = await freePort();
    gateway = startApp('gateway', 'apps/gateway/src/main.ts', { ...env, PORT: String(port) });
    api = new ApiClient(`http://127.0.0.1:${port}`);
    await waitFor(
      async () => (await api.request('GET', '/health/ready', undefined, 1_000).catch(() => null))?.status === 200,
      60_000,
      'gateway ready',
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase('e2e_platform');
    storage = mkdtempSync(join(tmpdir(), 'vh-platform-'));
    mkdirSync(join(storage, 'samples'));
    copyFileSync(join(WORKSPACE_ROOT, 'samples', 'mercado-livre-electronics.csv'), join(storage, 'samples', 'sample.csv'));
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix('platform'),
      STORAGE_ROOT: storage,
      ENABLE_TEST_TASKS: 'true',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // One tenant per plan would only add set-up: tier routing is the point here (keys: gateway auth suites, quick start).
      AUTH_MODE: 'open',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'ops-password',
    };
    await startGateway();
    for (const plan of PLANS) workers.set(plan, startApp(`worker-${plan}`, `apps/worker-${plan}/src/main.ts`, env));
    await waitFor(() => [...workers.values()].every((w) => w.output().includes('"worker ready"')), 60_000, 'all tiers ready');
  });

  afterAll(async () => {
    await Promise.all([gateway, ...workers.values()].map((p) => p?.kill('SIGKILL')));
    await db?.drop();
    rmSync(storage, { recursive: true, force: true });
  });

  const finished = async (id: string): Promise<JobView> => {
    let job: JobView | undefined;
    await waitFor(
      async () => {
        job = await api.job(id);
        return ['succeeded', 'failed', 'cancelled', 'expired'].includes(job.status);
      },
      60_000,
      `job ${id} finished`,
    );
    return job as JobView;
  };

  it("runs each plan's job on its own tier's worker app, with the contract's defaults", async () => {
    const created = new Map<Plan, JobView>();
    for (const plan of PLANS) {
      created.set(
        plan,
        await api.createJob('validate_csv_job', { input_uri: 'samples/sample.csv', marketplace: 'mercado_livre', category: 'electronics' }, plan),
      );
    }
    for (const plan of PLANS) {
      const job = await finished(created.get(plan)!.id);
      expect(job).toMatchObject({ status: 'succeeded', plan, queue: queueForPlan(plan), attempts: 1 });
      expect(job.summary).toMatchObject({ rows_total: 5 });
      expect(auditProblems(job, await api.events(job.id))).toEqual([]);
      // The job's id shows up in the logs of its own tier only.
      for (const [tier, worker] of workers) expect([tier, worker.output().includes(job.id)]).toEqual([tier, tier === plan]);
    }
    const priorities = [...created.values()].map((j) => j.priority);
    expect(priorities).toEqual([1, 5, 7, 10]);
  });

  it('serves the queue dashboard over every plan queue, to operators only', async () => {
    const operator = { authorization: `Basic ${Buffer.from('ops:ops-password').toString('base64')}` };
    expect((await fetch(`${api.baseUrl}/admin/queues`)).status).toBe(401);
    const page = await fetch(`${api.baseUrl}/admin/queues`, { headers: operator });
    expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    const queues = (await (await fetch(`${api.baseUrl}/admin/queues/api/queues?page=1`, { headers: operator })).json()) as {
      queues: { name: string }[];
    };
    expect(queues.queues.map((q) => q.name).sort()).toEqual(PLANS.map(queueForPlan).sort());
  });

  it('loses no transition when the gateway is killed while workers keep finishing jobs', async () => {
    const jobs: JobView[] = [];
    for (let i = 0; i < 24; i++) jobs.push(await api.createJob('sleep_job', { ms: 400 }, PLANS[i % PLANS.length]));
    await waitFor(async () => (await api.job(jobs[0].id)).status !== 'queued', 20_000, 'work started');
    // SIGKILL: no graceful stop; events the dead gateway read but did not acknowledge must be
    // taken over, and those published while no gateway runs must wait in the stream.
    await gateway.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 3_000));
    await startGateway();
    for (const created of jobs) {
      const job = await finished(created.id);
      expect(job.status).toBe('succeeded');
      const trail = await api.events(job.id);
      expect(auditProblems(job, trail)).toEqual([]);
      expect(trail.map((e) => e.to_status)).toEqual(['queued', 'running', 'succeeded']);
    }
  });
});
