import { JobError } from './errors';
import { JobEvent, JobSnapshot, parseJobEvent, planEvent } from './events';

const id = '550e8400-e29b-41d4-a716-446655440000';
const at = '2026-01-01T00:00:10.000Z';
const startedAt = '2026-01-01T00:00:05.000Z';
const boom: JobError = { code: 'handler_error', message: 'boom', retryable: true };

const snap = (status: JobSnapshot['status'], attempts: number): JobSnapshot => ({ status, attempts });
const steps = (job: JobSnapshot, event: JobEvent) => {
  const plan = planEvent(job, event);
  return plan.kind === 'transition' ? plan.steps.map((s) => `${s.from}->${s.to}@${s.attempt}`) : plan.kind;
};

describe('planEvent', () => {
  it('moves queued -> running on start and records the attempt', () => {
    expect(steps(snap('queued', 0), { type: 'started', jobId: id, attempt: 1, at })).toEqual(['queued->running@1']);
  });

  it('ignores a duplicate start and anything for a terminal job', () => {
    expect(steps(snap('running', 1), { type: 'started', jobId: id, attempt: 1, at })).toBe('ignore');
    for (const status of ['succeeded', 'failed', 'cancelled', 'expired'] as const) {
      expect(steps(snap(status, 1), { type: 'succeeded', jobId: id, attempt: 1, at, startedAt })).toBe('ignore');
      expect(steps(snap(status, 1), { type: 'cancelled', jobId: id, attempt: 1, at })).toBe('ignore');
    }
  });

  it('implies the running step when a terminal event overtakes its start', () => {
    expect(steps(snap('queued', 0), { type: 'succeeded', jobId: id, attempt: 1, at, startedAt })).toEqual([
      'queued->running@1',
      'running->succeeded@1',
    ]);
    const plan = planEvent(snap('queued', 0), { type: 'succeeded', jobId: id, attempt: 1, at, startedAt });
    expect(plan.kind === 'transition' && plan.steps[0].at).toBe(startedAt);
    expect(steps(snap('retrying', 1), { type: 'failed', jobId: id, attempt: 2, at, error: boom })).toEqual([
      'retrying->running@2',
      'running->failed@2',
    ]);
  });

  it('ignores events of an older attempt', () => {
    expect(steps(snap('running', 2), { type: 'succeeded', jobId: id, attempt: 1, at, startedAt })).toBe('ignore');
    expect(steps(snap('retrying', 1), { type: 'retrying', jobId: id, attempt: 1, at, startedAt, error: boom })).toBe('ignore');
    expect(steps(snap('running', 2), { type: 'progress', jobId: id, attempt: 1, at, progress: 50 })).toBe('ignore');
  });

  it('records a lost attempt when a newer attempt reports on a running job', () => {
    expect(steps(snap('running', 1), { type: 'started', jobId: id, attempt: 2, at })).toEqual(['running->running@2']);
    expect(steps(snap('running', 1), { type: 'succeeded', jobId: id, attempt: 2, at, startedAt })).toEqual([
      'running->running@2',
      'running->succeeded@2',
    ]);
  });

  it('applies progress only to the running attempt', () => {
    expect(planEvent(snap('running', 1), { type: 'progress', jobId: id, attempt: 1, at, progress: 42.5, message: 'Validating 1500 rows' })).toEqual({
      kind: 'progress',
      attempt: 1,
      progress: 42.5,
      message: 'Validating 1500 rows',
    });
    expect(steps(snap('queued', 0), { type: 'progress', jobId: id, attempt: 1, at, progress: 1 })).toBe('ignore');
  });

  it('cancels a queued, retrying or running job, and expires only unstarted ones', () => {
    expect(steps(snap('queued', 0), { type: 'cancelled', jobId: id, attempt: 0, at })).toEqual(['queued->cancelled@0']);
    expect(steps(snap('retrying', 1), { type: 'cancelled', jobId: id, attempt: 1, at })).toEqual(['retrying->cancelled@1']);
    expect(steps(snap('running', 1), { type: 'cancelled', jobId: id, attempt: 1, at, startedAt })).toEqual(['running->cancelled@1']);
    expect(steps(snap('retrying', 1), { type: 'expired', jobId: id, attempt: 1, at })).toEqual(['retrying->expired@1']);
    expect(steps(snap('running', 1), { type: 'expired', jobId: id, attempt: 1, at })).toBe('ignore');
  });
});

describe('parseJobEvent', () => {
  it('accepts well-formed events', () => {
    expect(parseJobEvent({ type: 'failed', jobId: id, attempt: 1, at, error: boom })).not.toBeNull();
  });

  it('keeps a well-formed traceparent, and drops a malformed one without refusing the event (tracing never costs a transition)', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseJobEvent({ type: 'started', jobId: id, attempt: 1, at, traceparent })).toEqual({
      type: 'started',
      jobId: id,
      attempt: 1,
      at,
      traceparent,
    });
    for (const bad of ['garbage', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7', 7, null]) {
      expect(parseJobEvent({ type: 'started', jobId: id, attempt: 1, at, traceparent: bad })).toEqual({ type: 'started', jobId: id, attempt: 1, at });
    }
  });

  it.each([
    ['not an object', 'x'],
    ['unknown type', { type: 'exploded', jobId: id, attempt: 1, at }],
    ['bad id', { type: 'started', jobId: 'nope', attempt: 1, at }],
    ['bad attempt', { type: 'started', jobId: id, attempt: -1, at }],
    ['bad date', { type: 'started', jobId: id, attempt: 1, at: 'yesterday' }],
    ['progress out of range', { type: 'progress', jobId: id, attempt: 1, at, progress: 101 }],
    ['failed without error', { type: 'failed', jobId: id, attempt: 1, at }],
    ['succeeded without start time', { type: 'succeeded', jobId: id, attempt: 1, at }],
  ])('rejects %s', (_label, raw) => {
    expect(parseJobEvent(raw)).toBeNull();
  });
});
