import { canonicalJson, fingerprintRequest } from './fingerprint';

const request = { method: 'POST', route: '/api/v1/jobs', bodyField: 'idempotency_key' };

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('behaves like the wire: undefined members vanish, dates become strings', () => {
    expect(canonicalJson({ a: undefined, b: new Date('2024-01-15T10:30:00.000Z') })).toBe('{"b":"2024-01-15T10:30:00.000Z"}');
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('fingerprintRequest', () => {
  const fp = (overrides: Partial<Parameters<typeof fingerprintRequest>[0]>) => fingerprintRequest({ ...request, body: {}, ...overrides });

  it('is a sha256 hex digest', () => {
    expect(fp({ body: { task: 'validate_csv_job' } })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores key order and the idempotency key field itself', () => {
    const a = fp({ body: { task: 't', params: { x: 1, y: 2 }, idempotency_key: 'k1' } });
    const b = fp({ body: { params: { y: 2, x: 1 }, task: 't' } });
    const c = fp({ body: { idempotency_key: 'k2', task: 't', params: { x: 1, y: 2 } } });
    expect(a).toBe(b);
    expect(a).toBe(c);
  });

  it('changes with any value, the method or the route', () => {
    const original = fp({ body: { task: 't', priority: 1 } });
    expect(fp({ body: { task: 't', priority: 2 } })).not.toBe(original);
    expect(fp({ body: { task: 't', priority: '1' } })).not.toBe(original);
    expect(fp({ body: { task: 't', priority: 1, extra: null } })).not.toBe(original);
    expect(fp({ body: { task: 't', priority: 1 }, method: 'PUT' })).not.toBe(original);
    expect(fp({ body: { task: 't', priority: 1 }, route: '/api/v1/other' })).not.toBe(original);
  });

  it('keeps array order significant', () => {
    expect(fp({ body: { list: [1, 2] } })).not.toBe(fp({ body: { list: [2, 1] } }));
  });

  it('only drops the configured field, and only at the top level', () => {
    expect(fp({ body: { a: 1, idempotency_key: 'k' }, bodyField: null })).not.toBe(fp({ body: { a: 1 }, bodyField: null }));
    expect(fp({ body: { nested: { idempotency_key: 'k' } } })).not.toBe(fp({ body: { nested: {} } }));
  });

  it('handles bodies that are not objects', () => {
    expect(fp({ body: undefined })).toBe(fp({ body: null }));
    expect(fp({ body: 'text' })).not.toBe(fp({ body: null }));
    expect(fp({ body: Buffer.from('abc') })).not.toBe(fp({ body: Buffer.from('abd') }));
    expect(fp({ body: [1] })).not.toBe(fp({ body: { 0: 1 } }));
  });
});
