import { checkPayloadSignature, signPayload } from './payload-signature';

const payload = {
  jobId: '8748d3d3-271a-4a62-9b6f-aa8f11e84f28',
  tenantId: '6b0f4a43-64a5-4b43-9a43-0b4f7e2f1c11',
  task: 'validate_csv_job',
  params: { input_uri: 's3://feeds/in.csv', marketplace: 'generic', nested: { b: 1, a: [2, 1] } },
};
const SECRET = 's'.repeat(40);

describe('payload signature', () => {
  it('verifies what the gateway signed, whatever the key order of params', () => {
    const signature = signPayload(SECRET, payload);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    const reordered = { ...payload, params: { nested: { a: [2, 1], b: 1 }, marketplace: 'generic', input_uri: 's3://feeds/in.csv' }, signature };
    expect(checkPayloadSignature(SECRET, reordered)).toBe('valid');
  });

  it.each([
    ['another job', { jobId: '1f3bd2f6-8c0e-4f38-8b47-5d0a3a6a9e01' }],
    ['another tenant', { tenantId: '00000000-0000-4000-8000-000000000000' }],
    ['no tenant', { tenantId: undefined }],
    ['another task', { task: 'correct_csv_job' }],
    ['another input', { params: { ...payload.params, input_uri: 's3://other/in.csv' } }],
    ['an array reordered', { params: { ...payload.params, nested: { b: 1, a: [1, 2] } } }],
    ['a running limit added', { runningLimit: 50 }],
  ])('refuses the signature on %s', (_what, change) => {
    const signature = signPayload(SECRET, payload);
    expect(checkPayloadSignature(SECRET, { ...payload, ...change, signature })).toBe('invalid');
  });

  it('signs the running limit: another limit is refused, the one signed checks', () => {
    const limited = { ...payload, runningLimit: 2 };
    const signature = signPayload(SECRET, limited);
    expect(checkPayloadSignature(SECRET, { ...limited, signature })).toBe('valid');
    expect(checkPayloadSignature(SECRET, { ...limited, runningLimit: 3, signature })).toBe('invalid');
    expect(checkPayloadSignature(SECRET, { ...payload, signature })).toBe('invalid');
  });

  it('tells a missing signature from a wrong one, and a wrong secret from the right one', () => {
    expect(checkPayloadSignature(SECRET, payload)).toBe('missing');
    expect(checkPayloadSignature(SECRET, { ...payload, signature: signPayload('other-secret', payload) })).toBe('invalid');
    expect(checkPayloadSignature(SECRET, { ...payload, signature: 'ab' })).toBe('invalid');
  });
});
