import { ConfigError, loadConfig } from '../index';

describe('execution config', () => {
  it('has production defaults and no per-plan overrides unless set', () => {
    const { execution } = loadConfig({});
    expect(execution).toMatchObject({
      maxRetries: 3,
      maxRetriesByPlan: {},
      jobTtlSeconds: 86_400,
      jobTtlSecondsByPlan: {},
      reconcileIntervalMs: 10_000,
      workerLockDurationMs: 30_000,
      workerStalledIntervalMs: 15_000,
      testCrashAfterInsert: 0,
    });
  });

  it('reads per-plan retries and TTLs', () => {
    const { execution } = loadConfig({ MAX_RETRIES_FREE: '0', MAX_RETRIES_ENTERPRISE: '10', JOB_TTL_SECONDS_PRO: '600', RECONCILE_INTERVAL_MS: '0' });
    expect(execution.maxRetriesByPlan).toEqual({ free: 0, enterprise: 10 });
    expect(execution.jobTtlSecondsByPlan).toEqual({ pro: 600 });
    expect(execution.reconcileIntervalMs).toBe(0);
  });

  it('names bad per-plan values and stall settings', () => {
    let error: unknown;
    try {
      loadConfig({ MAX_RETRIES_PRO: 'many', JOB_TTL_SECONDS_BUSINESS: '0', WORKER_LOCK_DURATION_MS: '10', RECONCILE_INTERVAL_MS: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['MAX_RETRIES_PRO', 'JOB_TTL_SECONDS_BUSINESS', 'WORKER_LOCK_DURATION_MS', 'RECONCILE_INTERVAL_MS'])
      expect(problems).toContain(name);
  });

  it('honours the crash hook only together with test tasks', () => {
    expect(loadConfig({ TEST_CRASH_AFTER_INSERT: '2', ENABLE_TEST_TASKS: 'true' }).execution.testCrashAfterInsert).toBe(2);
    expect(() => loadConfig({ TEST_CRASH_AFTER_INSERT: '2' })).toThrow(/TEST_CRASH_AFTER_INSERT is a fault-injection hook/);
    expect(() => loadConfig({ TEST_CRASH_AFTER_INSERT: '1', ENABLE_TEST_TASKS: 'false' })).toThrow(ConfigError);
  });
});
