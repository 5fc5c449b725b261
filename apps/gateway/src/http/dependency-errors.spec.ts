import { DependencyUnavailableError, isDependencyDown, viaRedis } from './dependency-errors';

describe('isDependencyDown', () => {
  it.each([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    new Error('timeout exceeded when trying to connect'),
    new Error('Connection terminated unexpectedly'),
    { name: 'QueryFailedError', message: 'canceling statement due to statement timeout', driverError: { code: '57014' } },
    { message: 'terminating connection due to administrator command', code: '57P01' },
    { message: 'wrapped', cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) },
    new Error("Stream isn't writeable and enableOfflineQueue options is false"),
  ])('treats %p as an outage', (error) => {
    expect(isDependencyDown(error)).toBe(true);
  });

  it.each([
    new Error('syntax error at or near "SELEC"'),
    { message: 'duplicate key value violates unique constraint', code: '23505' },
    new TypeError('cannot read properties of undefined'),
    null,
    'string error',
  ])('treats %p as a real error', (error) => {
    expect(isDependencyDown(error)).toBe(false);
  });
});

describe('viaRedis', () => {
  it('passes results through', async () => {
    await expect(viaRedis(async () => 42)).resolves.toBe(42);
  });

  it('turns a failure into DependencyUnavailableError keeping the cause', async () => {
    const cause = new Error('Connection is closed.');
    const error = await viaRedis(async () => Promise.reject(cause)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).dependency).toBe('redis');
    expect((error as Error).cause).toBe(cause);
  });

  it('gives up on a call that never settles', async () => {
    const started = Date.now();
    const error = await viaRedis(() => new Promise(() => undefined), 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
