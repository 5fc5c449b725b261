import { ConfigError, loadConfig, requireApiKeySecret } from './index';

describe('loadConfig', () => {
  it('uses the seed defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.execution.maxRetries).toBe(3);
    expect(config.execution.taskTimeLimitSeconds).toBe(300);
    expect(config.http.port).toBe(3001);
    expect(config.http.shutdownDrainMs).toBe(10_000);
    expect(loadConfig({ GATEWAY_SHUTDOWN_DRAIN_MS: '2500' }).http.shutdownDrainMs).toBe(2_500);
    expect(() => loadConfig({ GATEWAY_SHUTDOWN_DRAIN_MS: '-1' })).toThrow(/GATEWAY_SHUTDOWN_DRAIN_MS/);
    expect(config.connections.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(config.connections.runMigrations).toBe(true);
    expect(loadConfig({ MIGRATIONS_RUN: 'false' }).connections.runMigrations).toBe(false);
    expect(() => loadConfig({ MIGRATIONS_RUN: 'sometimes' })).toThrow(/MIGRATIONS_RUN/);
  });

  it('reads the sandbox thread settings: no warm thread and 60 s of idle life by default, bad values refused', () => {
    expect(loadConfig({}).worker).toMatchObject({ sandboxWarmThreads: 0, sandboxIdleMs: 60_000 });
    expect(loadConfig({ TASK_SANDBOX_WARM_THREADS: '1', TASK_SANDBOX_IDLE_MS: '5000' }).worker).toMatchObject({
      sandboxWarmThreads: 1,
      sandboxIdleMs: 5_000,
    });
    expect(() => loadConfig({ TASK_SANDBOX_WARM_THREADS: '-1' })).toThrow(/TASK_SANDBOX_WARM_THREADS/);
    expect(() => loadConfig({ TASK_SANDBOX_WARM_THREADS: 'two' })).toThrow(/TASK_SANDBOX_WARM_THREADS/);
    expect(() => loadConfig({ TASK_SANDBOX_IDLE_MS: '0' })).toThrow(/TASK_SANDBOX_IDLE_MS/);
  });

  it('accepts the seed CELERY_BROKER_URL when REDIS_URL is absent', () => {
    expect(loadConfig({ CELERY_BROKER_URL: 'redis://h:1/2' }).connections.redisUrl).toBe('redis://h:1/2');
    expect(loadConfig({ REDIS_URL: 'redis://a:1/0', CELERY_BROKER_URL: 'redis://b:1/0' }).connections.redisUrl).toBe('redis://a:1/0');
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ MAX_RETRIES: 'three', TASK_TIME_LIMIT: '0', REDIS_URL: 'http://x', PORT: '99999', S3_FORCE_PATH_STYLE: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['MAX_RETRIES', 'TASK_TIME_LIMIT', 'REDIS_URL', 'PORT', 'S3_FORCE_PATH_STYLE']) {
      expect(message).toContain(name);
    }
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('WEBHOOK_ALLOW_PRIVATE is off by default, and refused in production', () => {
    expect(loadConfig({}).outbound.allowPrivateTargets).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).outbound.allowPrivateTargets).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true', NODE_ENV: 'development' }).outbound.allowPrivateTargets).toBe(true);
    const production = { NODE_ENV: 'production', PAYLOAD_SIGNING_SECRET: 'a'.repeat(32) };
    expect(loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE: 'false' }).outbound.allowPrivateTargets).toBe(false);
    expect(() => loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE: 'true' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE must not be true with NODE_ENV=production/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'sometimes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE must be true or false/);
  });

  it('rejects a backoff cap below its base', () => {
    expect(() => loadConfig({ RETRY_BACKOFF_BASE_MS: '5000', RETRY_BACKOFF_CAP_MS: '100' })).toThrow(/RETRY_BACKOFF_CAP_MS/);
  });
});

describe('loadConfig: security', () => {
  it('requires API keys by default and uses development secrets outside production', () => {
    const { security } = loadConfig({});
    expect(security).toMatchObject({
      production: false,
      authMode: 'required',
      authCacheTtlSeconds: 60,
      dashboard: undefined,
      metricsToken: undefined,
    });
    expect(security.apiKeySecret).toEqual(expect.any(String));
    expect(security.payloadSigningSecret).toEqual(expect.any(String));
    expect(loadConfig({ AUTH_MODE: 'open' }).security.authMode).toBe('open');
    expect(() => loadConfig({ AUTH_MODE: 'none' })).toThrow(/AUTH_MODE must be one of required, open/);
  });

  it('refuses AUTH_MODE=open and missing or default secrets in production, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'open', API_KEY_HMAC_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('AUTH_MODE cannot be "open" when NODE_ENV=production');
    expect(problems).toContain('PAYLOAD_SIGNING_SECRET is required when NODE_ENV=production');
    expect(problems).toContain('API_KEY_HMAC_SECRET must be at least 32 characters');
  });

  it('leaves the API key secret to the processes that need it (workers do not)', () => {
    const worker = loadConfig({ NODE_ENV: 'production', PAYLOAD_SIGNING_SECRET: 'p'.repeat(40) });
    expect(worker.security.apiKeySecret).toBeUndefined();
    expect(() => requireApiKeySecret(worker)).toThrow(/API_KEY_HMAC_SECRET is required/);
    const gateway = loadConfig({ NODE_ENV: 'production', PAYLOAD_SIGNING_SECRET: 'p'.repeat(40), API_KEY_HMAC_SECRET: 'k'.repeat(40) });
    expect(requireApiKeySecret(gateway)).toBe('k'.repeat(40));
  });

  it('takes dashboard credentials in pairs and a metrics token of a useful length', () => {
    expect(loadConfig({ DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 'pw' }).security.dashboard).toEqual({ user: 'ops', password: 'pw' });
    expect(() => loadConfig({ DASHBOARD_USER: 'ops' })).toThrow(/DASHBOARD_USER and DASHBOARD_PASSWORD must be set together/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(20) }).security.metricsToken).toBe('m'.repeat(20));
  });
});
