import { ConfigError, loadConfig } from './index';

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
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'false', NODE_ENV: 'production' }).outbound.allowPrivateTargets).toBe(false);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true', NODE_ENV: 'production' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE must not be true with NODE_ENV=production/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'sometimes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE must be true or false/);
  });

  it('rejects a backoff cap below its base', () => {
    expect(() => loadConfig({ RETRY_BACKOFF_BASE_MS: '5000', RETRY_BACKOFF_CAP_MS: '100' })).toThrow(/RETRY_BACKOFF_CAP_MS/);
  });
});
