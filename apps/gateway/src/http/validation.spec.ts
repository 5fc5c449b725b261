import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateJobDto } from '../jobs/create-job.dto';
import { ListJobsQuery } from '../jobs/list-jobs.query';
import { fieldProblems } from './validation';

const check = async <T extends object>(cls: new () => T, plain: object) =>
  fieldProblems(await validate(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true }));

describe('request validation rules', () => {
  it('accepts the seed body', async () => {
    expect(
      await check(CreateJobDto, { task: 'validate_csv_job', params: { input_uri: 'a.csv' }, priority: 5, plan: 'pro', idempotency_key: 'k' }),
    ).toEqual([]);
  });

  it('names each bad field, and unknown keys', async () => {
    const problems = await check(CreateJobDto, { task: '', params: [], priority: 0, plan: 'gold', extra: 1 });
    expect(problems.map((p) => p.field).sort()).toEqual(['extra', 'params', 'plan', 'priority', 'task']);
    expect(problems.find((p) => p.field === 'extra')?.message).toBe('extra should not exist');
  });

  it('converts only whole-number strings in queries', async () => {
    expect(plainToInstance(ListJobsQuery, { limit: '10', offset: '0' })).toMatchObject({ limit: 10, offset: 0 });
    for (const limit of ['1.5', 'abc', '', '1e2']) {
      expect((await check(ListJobsQuery, { limit })).map((p) => p.field)).toEqual(expect.arrayContaining(['limit']));
    }
    expect(await check(ListJobsQuery, { status: 'queued', plan: 'pro', created_after: '2024-01-15T10:30:00Z' })).toEqual([]);
    expect((await check(ListJobsQuery, { created_after: '2024-01-15' })).length).toBe(0);
    expect((await check(ListJobsQuery, { created_after: '15/01/2024' })).map((p) => p.field)).toEqual(['created_after']);
  });
});
