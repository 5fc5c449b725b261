import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { ScheduleTemplates1768400000000 } from './migrations/1768400000000-schedule-templates';
import { ScheduleFirer } from './schedule-firer';
import { ScheduleStore } from './schedule-store';

/** Schedules that fire a template (`name`: its latest version at each fire; `name@n`: pinned), fired by hand. */
describe('schedules with a template', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('schedule_templates', { ENABLE_TEST_TASKS: 'true' });
    app = await harness.start({ schedules: { enabled: false }, eventApplier: false });
  });
  afterAll(() => harness?.close());

  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object });
  const schedule = (body: Record<string, unknown>) =>
    inject('POST', '/api/v1/schedules', { name: 'nightly', cron: '0 3 * * *', timezone: 'UTC', params: {}, ...body });
  /** Fires the schedule for `at` as the scheduler would, and answers the job it created. */
  const fire = async (id: string, at: string) => {
    const record = await app.get(ScheduleStore).get(ANONYMOUS_TENANT_ID, id);
    const outcome = await app.get(ScheduleFirer).fire(record!, new Date(at));
    if (outcome.kind !== 'created') return outcome;
    return (await inject('GET', `/api/v1/jobs/${outcome.jobId}`)).json();
  };

  it('refuses an unknown template or version at create, naming it, and task with template or neither', async () => {
    const unknown = expectProblem(await schedule({ template: 'ghost' }), 400);
    expect(unknown.errors).toEqual([{ field: 'template', message: 'no template "ghost"' }]);
    await inject('POST', '/api/v1/templates', { name: 'known', task: 'noop_job', params: {} });
    const noVersion = expectProblem(await schedule({ template: 'known@9' }), 400);
    expect(noVersion.errors).toEqual([{ field: 'template', message: 'template "known" has no version 9' }]);
    expect(expectProblem(await schedule({ template: 'Not A Name' }), 400).errors?.[0].field).toBe('template');
    expect(expectProblem(await schedule({ template: 'known', task: 'noop_job' }), 400).errors?.[0].field).toBe('template');
    expect(expectProblem(await schedule({}), 400).errors?.[0].field).toBe('task');
    // Overrides are checked merged over the template, as POST /jobs checks them.
    expect(expectProblem(await schedule({ template: 'known', params: { surprise: 1 } }), 400).errors?.[0].field).toBe('params.surprise');
  });

  it('fires the latest version of `name` and the pinned one of `name@n`, overrides merged, through the create path', async () => {
    expect((await inject('POST', '/api/v1/templates', { name: 'pause', task: 'sleep_job', params: { ms: 5 }, priority: 3 })).statusCode).toBe(201);
    const latest = await schedule({ template: 'pause' });
    expect(latest.statusCode).toBe(201);
    expect(latest.json()).toMatchObject({ task: null, template: 'pause', params: {}, next_run_at: expect.stringMatching(/T03:00:00.000Z$/) });
    const pinned = (await schedule({ template: 'pause@1', params: { ms: 7 } })).json();
    expect((await inject('POST', '/api/v1/templates', { name: 'pause', task: 'sleep_job', params: { ms: 9 } })).json().version).toBe(2);

    expect(await fire(latest.json().id, '2031-01-01T03:00:00Z')).toMatchObject({
      task_name: 'sleep_job',
      template: 'pause',
      template_version: 2,
      params: { ms: 9 },
      idempotency_key: `schedule:${latest.json().id}:2031-01-01T03:00:00.000Z`,
    });
    expect(await fire(pinned.id, '2031-01-01T03:00:00Z')).toMatchObject({ template: 'pause', template_version: 1, params: { ms: 7 }, priority: 3 });

    // Switching to a task drops the template, and back.
    const toTask = (await inject('PATCH', `/api/v1/schedules/${pinned.id}`, { task: 'noop_job', params: {} })).json();
    expect(toTask).toMatchObject({ task: 'noop_job', template: null });
    expect(await fire(pinned.id, '2031-01-02T03:00:00Z')).toMatchObject({ task_name: 'noop_job', template: null });
    expectProblem(await inject('PATCH', `/api/v1/schedules/${pinned.id}`, { template: 'ghost' }), 400);
    const back = (await inject('PATCH', `/api/v1/schedules/${pinned.id}`, { template: 'pause@2', params: {} })).json();
    expect(back).toMatchObject({ task: null, template: 'pause@2' });

    // The template deleted since: the fire is refused (logged, the schedule goes on), nothing created.
    expect((await inject('DELETE', '/api/v1/templates/pause')).statusCode).toBe(204);
    expect(await fire(latest.json().id, '2031-01-02T03:00:00Z')).toMatchObject({ kind: 'refused', reason: expect.stringContaining('pause') });
  });

  it('the migration reverts only when no schedule fires a template, and applies again', async () => {
    const migration = new ScheduleTemplates1768400000000();
    const runner = app.get(DataSource).createQueryRunner();
    try {
      await inject('POST', '/api/v1/templates', { name: 'kept', task: 'noop_job', params: {} });
      expect((await schedule({ template: 'kept' })).statusCode).toBe(201);
      await expect(migration.down(runner)).rejects.toThrow(/schedules with a template exist/);
      await runner.query(`DELETE FROM schedules WHERE template IS NOT NULL`);
      await migration.down(runner);
      expect(
        await runner.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'schedules' AND column_name = 'template'`),
      ).toEqual([{ n: 0 }]);
      await migration.up(runner);
      expect((await schedule({ template: 'kept' })).statusCode).toBe(201);
    } finally {
      await runner.release();
    }
  });
});
