import { attemptNumber, payloadProblems } from './job-payload';

const valid = {
  jobId: '8748d3d3-271a-4a62-9b6f-aa8f11e84f28',
  task: 'noop_job',
  params: {},
  plan: 'pro',
  correlationId: 'c',
  maxAttempts: 4,
  timeLimitSeconds: 30,
  expiresAt: null,
};

describe('job payload', () => {
  it('accepts a payload with or without attemptBase', () => {
    expect(payloadProblems(valid)).toEqual([]);
    expect(payloadProblems({ ...valid, attemptBase: 0 })).toEqual([]);
    expect(payloadProblems({ ...valid, attemptBase: 3 })).toEqual([]);
  });

  it.each([-1, 1.5, '2', null])('refuses attemptBase %p', (attemptBase) => {
    expect(payloadProblems({ ...valid, attemptBase })).toEqual(['attemptBase must be a whole number >= 0']);
  });

  it('accepts a W3C traceparent, and refuses anything else in its place', () => {
    expect(payloadProblems({ ...valid, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toEqual([]);
    for (const traceparent of [
      '',
      'not-a-traceparent',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7', // no flags
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // zero trace id
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // zero span id
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01', // upper case
      42,
    ]) {
      expect(payloadProblems({ ...valid, traceparent })).toEqual(['traceparent is not a W3C traceparent']);
    }
  });

  it('accepts a tenant id and a signature, and refuses malformed ones', () => {
    expect(payloadProblems({ ...valid, tenantId: '00000000-0000-4000-8000-000000000000', signature: 'a'.repeat(64) })).toEqual([]);
    expect(payloadProblems({ ...valid, tenantId: 'tenant-a' })).toEqual(['tenantId is not a UUID']);
    expect(payloadProblems({ ...valid, signature: 'xyz' })).toEqual(['signature is not a hex HMAC-SHA256']);
  });

  it('accepts a running limit of 1 or more, and refuses anything else', () => {
    expect(payloadProblems({ ...valid, runningLimit: 1 })).toEqual([]);
    for (const runningLimit of [0, -2, 1.5, '2', null]) {
      expect(payloadProblems({ ...valid, runningLimit })).toEqual(['runningLimit must be a whole number >= 1']);
    }
  });

  it('numbers attempts from the base: BullMQ restarting at 0 never reuses a number', () => {
    expect(attemptNumber({}, 0)).toBe(1);
    expect(attemptNumber({}, 2)).toBe(3);
    expect(attemptNumber({ attemptBase: 2 }, 0)).toBe(3);
    expect(attemptNumber({ attemptBase: 2 }, 1)).toBe(4);
  });
});
