import { genericProblem, PROBLEM_TYPE_BASE, problems, toProblemBody } from './problem';

describe('problem bodies', () => {
  it('carries the RFC members, field errors and the correlation id', () => {
    const body = toProblemBody(problems.validation([{ field: 'task', message: 'is required' }]).spec, 'corr-1');
    expect(body).toEqual({
      type: `${PROBLEM_TYPE_BASE}validation-error`,
      title: 'Invalid request',
      status: 400,
      detail: 'The request is not valid.',
      errors: [{ field: 'task', message: 'is required' }],
      correlation_id: 'corr-1',
    });
  });

  it('never lets an extension overwrite an RFC member', () => {
    const spec = problems.conflict('job-not-succeeded', 'not yet', { status: 'queued', job_status: 'queued', correlation_id: 'x' }).spec;
    const body = toProblemBody(spec, 'real');
    expect(body.status).toBe(409);
    expect(body.correlation_id).toBe('real');
    expect(body.job_status).toBe('queued');
  });

  it('names framework statuses and hides internals of 5xx', () => {
    expect(genericProblem(415, 'x')).toMatchObject({ type: 'unsupported-media-type', status: 415 });
    expect(genericProblem(413, 'x')).toMatchObject({ type: 'payload-too-large' });
    expect(genericProblem(500, 'x')).toMatchObject({ type: 'internal-error', title: 'Internal server error' });
    expect(genericProblem(418, 'x')).toMatchObject({ type: 'client-error' });
  });

  it('asks clients to retry a dependency outage later', () => {
    const spec = problems.unavailable('redis', 'down').spec;
    expect(spec.status).toBe(503);
    expect(spec.headers).toEqual({ 'Retry-After': '5' });
    expect(toProblemBody(spec, 'c').dependency).toBe('redis');
  });
});
