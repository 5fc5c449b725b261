import type { FactoryProvider } from '@nestjs/common';
import { loadConfig } from '@validahub/config';
import type { JobEntity } from '@validahub/jobs-persistence';
import { NEW_JOB_ENQUEUER } from '../gateway.tokens';
import { CrashAfterInsert, newJobEnqueuerProvider, NewJobEnqueuer } from './crash-after-insert';
import { JobEnqueuer } from './job-enqueuer';

describe('crash-after-insert fault injection', () => {
  const exit = jest.fn((code: number): never => {
    throw new Error(`exit ${code}`);
  });
  afterEach(() => exit.mockClear());

  const recording = () => {
    const enqueued: string[] = [];
    const next: NewJobEnqueuer = {
      enqueue: async (job) => (enqueued.push(job.id), true),
      enqueueMany: async (jobs) => (enqueued.push(...jobs.map((job) => job.id)), true),
    };
    return { next, enqueued };
  };
  const job = (id: string) => ({ id }) as JobEntity;

  it('is not bound in a normal configuration: create hands jobs straight to the JobEnqueuer', () => {
    expect(newJobEnqueuerProvider(loadConfig({}))).toEqual({ provide: NEW_JOB_ENQUEUER, useExisting: JobEnqueuer });
  });

  it('is bound only with TEST_CRASH_AFTER_INSERT and test tasks on', async () => {
    const provider = newJobEnqueuerProvider(loadConfig({ TEST_CRASH_AFTER_INSERT: '3', ENABLE_TEST_TASKS: 'true' })) as FactoryProvider;
    expect(provider).toMatchObject({ provide: NEW_JOB_ENQUEUER, inject: [JobEnqueuer] });
    const { next, enqueued } = recording();
    const bound = provider.useFactory(next) as NewJobEnqueuer;
    expect(bound).toBeInstanceOf(CrashAfterInsert);
    await bound.enqueue(job('a'));
    expect(enqueued).toEqual(['a']);
  });

  it('exits with 137 at the n-th insert, before that job is enqueued', async () => {
    const { next, enqueued } = recording();
    const hook = new CrashAfterInsert(next, 3, exit);
    await hook.enqueue(job('a'));
    await hook.enqueue(job('b'));
    expect(exit).not.toHaveBeenCalled();
    expect(() => hook.enqueue(job('c'))).toThrow('exit 137');
    expect(enqueued).toEqual(['a', 'b']);
  });

  it('counts each job of a batch, and exits before enqueueing the batch that reaches n', async () => {
    const { next, enqueued } = recording();
    const hook = new CrashAfterInsert(next, 4, exit);
    await hook.enqueueMany([job('a'), job('b')]);
    await hook.enqueue(job('c'));
    expect(() => hook.enqueueMany([job('d'), job('e')])).toThrow('exit 137');
    expect(enqueued).toEqual(['a', 'b', 'c']);
  });
});
