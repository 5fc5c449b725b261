import { connect } from 'node:net';
import { loadConfig } from '@validahub/config';
import { startApp, waitFor } from '@validahub/testing';
import { ApiResponse } from '../support/api-client';
import { logLines } from '../support/process-logs';
import { Expectation, judgeScenario } from '../support/scenario-report';
import { TestSystem } from '../support/system';

// The gateway dying between the Postgres insert and the enqueue (TEST_CRASH_AFTER_INSERT), and
// stopping with SIGTERM while requests are in flight.
describe('reliability: gateway crash and drain', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create({ label: 'gateway' });
    await system.startWorker(['free', 'pro']);
  });
  afterAll(async () => system?.stop());

  it('refuses the crash hook unless test tasks are enabled', async () => {
    const gateway = startApp('gateway-refused', 'apps/gateway/src/main.ts', {
      ...(process.env as Record<string, string>),
      ENABLE_TEST_TASKS: 'false',
      TEST_CRASH_AFTER_INSERT: '1',
      PORT: '0',
    });
    const exit = await gateway.exited;
    expect(exit.code).toBe(1);
    expect(gateway.output()).toContain('TEST_CRASH_AFTER_INSERT is a fault-injection hook and is only honoured with ENABLE_TEST_TASKS=true');
  });

  it('a job stored just before the gateway died is found and enqueued by the reconciler', async () => {
    const crashing = await system.startGateway({ TEST_CRASH_AFTER_INSERT: '4' });
    const acknowledged: string[] = [];
    let crashed: unknown;
    for (let i = 0; i < 4; i += 1) {
      try {
        acknowledged.push((await system.api.createJob('noop_job', {}, 'free')).id);
      } catch (error) {
        crashed = error;
      }
    }
    expect(acknowledged).toHaveLength(3);
    expect(crashed).toBeDefined(); // the 4th request never got an answer
    expect((await crashing.exited).code).toBe(137);

    const restarted = await system.startGateway();
    const stored = await system.api.allJobs();
    const orphan = stored.filter((job) => !acknowledged.includes(job.id));
    expect(orphan).toHaveLength(1);
    expect(orphan[0].status).toBe('queued');

    const expected: Expectation[] = [...acknowledged, orphan[0].id].map((id) => ({ id, status: 'succeeded' }));
    const verdict = await judgeScenario('gateway-crash-after-insert', system.api, expected, { timeoutMs: 30_000 });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);
    // Request and reconciler lines reach stdout through a buffer flushed at least once a second.
    await waitFor(
      () => logLines(restarted).some((l) => l.msg === 're-enqueued a job missing from its queue' && l.job_id === orphan[0].id),
      5_000,
      'the reconciler logged the re-enqueue of the orphan',
    );
  });

  it('SIGTERM drains: requests in flight complete, nothing is half-accepted', async () => {
    const before = new Set((await system.api.allJobs()).map((j) => j.id));
    const draining = system.gateway!;
    const api = system.api;
    // A client that connected but has not sent anything yet (load balancers pre-connect).
    const idleSocket = connect(Number(new URL(api.baseUrl).port), '127.0.0.1');
    let idleSocketClosedAt = 0;
    idleSocket.on('error', () => undefined);
    idleSocket.on('close', () => (idleSocketClosedAt = Date.now()));
    await new Promise((resolve) => idleSocket.once('connect', resolve));
    let signalledAt = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        if (i === 10) {
          signalledAt = Date.now();
          draining.child.kill('SIGTERM');
        }
        const sentAt = Date.now();
        try {
          const response: ApiResponse<{ id: string }> = await api.request('POST', '/api/v1/jobs', {
            task: 'sleep_job',
            params: { ms: 50 },
            plan: 'pro',
          });
          return { sentAt, answeredAt: Date.now(), status: response.status, id: response.body?.id };
        } catch (error) {
          return { sentAt, answeredAt: Date.now(), status: 0, error: String(error) };
        }
      }),
    );
    const exit = await draining.exited;
    const stopMs = Date.now() - signalledAt;
    // The pre-connected socket that never sent a request is dropped at the drain deadline.
    const { shutdownDrainMs } = loadConfig(system.environment).http;
    expect(stopMs).toBeLessThan(shutdownDrainMs + 5_000);
    expect(idleSocketClosedAt).toBeGreaterThan(0);
    expect(exit.code === 0 || exit.signal === 'SIGTERM' || exit.code === 143).toBe(true);
    const accepted = results.filter((r) => r.status === 202);
    // Answers are 202, or 503 while closing, or no connection at all; never a 500 or a cut-off answer.
    for (const r of results) expect([0, 202, 503]).toContain(r.status);
    expect(accepted.length).toBeGreaterThan(0);
    const answeredAfterSignal = accepted.filter((r) => r.answeredAt > signalledAt).length;

    await system.startGateway();
    const stored = (await system.api.allJobs()).filter((j) => !before.has(j.id));
    // Every stored job was answered with 202 (no request died after its insert) and vice versa.
    expect(new Set(stored.map((j) => j.id))).toEqual(new Set(accepted.map((r) => r.id)));
    const expected: Expectation[] = accepted.map((r) => ({ id: r.id!, status: 'succeeded' }));
    const verdict = await judgeScenario('gateway-sigterm-drain', system.api, expected, { timeoutMs: 30_000, foreignIds: before });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);
    console.log(
      `gateway drain: stopped in ${stopMs} ms, ${accepted.length} accepted (${answeredAfterSignal} answered after SIGTERM), ${results.filter((r) => r.status === 503).length} x 503, ${results.filter((r) => r.status === 0).length} refused`,
    );
  });
});
