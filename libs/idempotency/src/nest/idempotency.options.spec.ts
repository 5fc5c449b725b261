import { loadConfig } from '@validahub/config';
import {
  defaultCorrelationIdResolver,
  defaultTenantResolver,
  idempotencyOptionsFromConfig,
  IdempotencyRequest,
  resolveIdempotencyOptions,
} from './idempotency.options';

const request = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): IdempotencyRequest => ({
  method: 'POST',
  headers,
  ...extra,
});

describe('resolveIdempotencyOptions', () => {
  it('defaults to 24 h retention, a 60 s lock, a 10 min purge and Retry-After 1', () => {
    const options = resolveIdempotencyOptions({});
    expect(options).toMatchObject({
      retentionSeconds: 86_400,
      lockTimeoutMs: 60_000,
      purgeIntervalMs: 600_000,
      retryAfterSeconds: 1,
      problemTypeBaseUrl: 'https://validahub.dev/problems/',
    });
  });

  it('adds the missing slash to a problem base URL', () => {
    expect(resolveIdempotencyOptions({ problemTypeBaseUrl: '/problems' }).problemTypeBaseUrl).toBe('/problems/');
  });

  it('names every bad option at once', () => {
    expect(() =>
      resolveIdempotencyOptions({ retentionSeconds: 0, lockTimeoutSeconds: -1, purgeIntervalSeconds: -5, retryAfterSeconds: 0.5 }),
    ).toThrow(/retentionSeconds[\s\S]*lockTimeoutSeconds[\s\S]*purgeIntervalSeconds[\s\S]*retryAfterSeconds/);
  });

  it('refuses a lock that outlives the retention (an abandoned claim would never be re-claimable)', () => {
    expect(() => resolveIdempotencyOptions({ retentionSeconds: 60, lockTimeoutSeconds: 60 })).toThrow(/must be below retentionSeconds/);
  });
});

describe('idempotencyOptionsFromConfig', () => {
  it('takes the retention from IDEMPOTENCY_TTL_SECONDS, defaulting to 24 h', () => {
    expect(idempotencyOptionsFromConfig(loadConfig({}).http)).toEqual({ retentionSeconds: 86_400 });
    expect(idempotencyOptionsFromConfig(loadConfig({ IDEMPOTENCY_TTL_SECONDS: '172800' }).http)).toEqual({ retentionSeconds: 172_800 });
  });
});

describe('default resolvers', () => {
  it('uses request.tenantId, or the anonymous tenant', () => {
    expect(defaultTenantResolver(request({ tenantId: 'acme' }))).toBe('acme');
    expect(defaultTenantResolver(request())).toBe('anonymous');
    expect(defaultTenantResolver(request({ tenantId: '' }))).toBe('anonymous');
    expect(defaultTenantResolver(request({ tenantId: 42 }))).toBe('anonymous');
  });

  it('prefers request.correlationId over the X-Correlation-Id header', () => {
    expect(defaultCorrelationIdResolver(request({ correlationId: 'own' }, { 'x-correlation-id': 'hdr' }))).toBe('own');
    expect(defaultCorrelationIdResolver(request({}, { 'x-correlation-id': 'hdr' }))).toBe('hdr');
    expect(defaultCorrelationIdResolver(request())).toBeUndefined();
  });
});
