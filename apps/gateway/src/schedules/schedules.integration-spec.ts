import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { newTenant, TestTenant } from '../testing/tenant-kit';
import { ScheduleFirer } from './schedule-firer';
import { ScheduleStore } from './schedule-store';
import { Scheduler } from './scheduler';

const NOOP = { task: 'noop_job', params: {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('schedules: cron fires through the idempotent create path, exactly once across replicas', () => {
  let harness: GatewayHarness;
  let replicas: NestFastifyApplication[];
  let enterprise: TestTenant;
  const schedulerOptions = { schedules: { tickMs: 100, misfireGraceMs: 1_000 }, eventApplier: false };
  const manualTicks = { schedules: { enabled: false, misfireGraceMs: 1_000 }, eventApplier: false };

  beforeAll(async () => {
    harness = await createGatewayHarness('schedules', { ENABLE_TEST_TASKS: 'true', AUTH_MODE: 'required' });
    replicas = [await harness.start(schedulerOptions), await harness.start(schedulerOptions)];
    enterprise = await newTenant(replicas[0], { plan: 'enterprise' });
  });
  afterAll(() => harness?.close());

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, who: TestTenant = enterprise, app = replicas[0]) =>
    app.inject({ method, url, payload: payload as object, headers: who.headers });
  const create = async (body: Record<string, unknown>, who = enterprise) => {
    const response = await api('POST', '/api/v1/schedules', { name: 'test', timezone: 'UTC', ...NOOP, ...body }, who);
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; next_run_at: string };
  };
  const runs = async (id: string) => {
    const all: { scheduled_for: string; job_id: string }[] = [];
    for (let offset = 0; ; offset += 100) {
      const response = await api('GET', `/api/v1/schedules/${id}/runs?limit=100&offset=${offset}`);
      expect({ status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ status: 200, body: '' });
      const page = response.json();
      all.push(...page.items);
      // A short page ends the list: fires keep coming (every second), so `total` may have grown since.
      if (page.items.length < 100) return all.sort((a, b) => a.scheduled_for.localeCompare(b.scheduled_for));
    }
  };
  /** The jobs carrying this schedule's idempotency keys, whatever created them. */
  const jobsOf = async (id: string): Promise<{ idempotency_key: string }[]> =>
    replicas[0].get(DataSource).query(`SELECT idempotency_key FROM jobs WHERE idempotency_key LIKE $1`, [`schedule:${id}:%`]);

  it('creates, lists, shows, changes and deletes schedules; refuses bad input and intervals the plan does not allow', async () => {
    const created = await create({ name: 'nightly', cron: '0 3 * * *', timezone: 'America/Sao_Paulo', priority: 5 });
    expect(created).toMatchObject({ name: 'nightly', enabled: true, misfire: 'skip', task: 'noop_job', priority: 5 });
    expect(created.next_run_at).toMatch(/T06:00:00.000Z$/);
    expect((await api('GET', `/api/v1/schedules/${created.id}`)).json()).toEqual(created);
    expect((await api('GET', '/api/v1/schedules')).json().items.map((s: { id: string }) => s.id)).toContain(created.id);
    const listed = (await api('GET', '/api/v1/schedules')).json();
    // Past the end: no items, and still the count (page and total come from one statement).
    expect((await api('GET', `/api/v1/schedules?offset=${listed.total}`)).json()).toMatchObject({ items: [], total: listed.total });
    const paused = (await api('PATCH', `/api/v1/schedules/${created.id}`, { enabled: false })).json();
    expect(paused).toMatchObject({ enabled: false, next_run_at: null });
    const moved = (await api('PATCH', `/api/v1/schedules/${created.id}`, { enabled: true, cron: '30 4 * * *', timezone: 'Asia/Tokyo' })).json();
    expect(moved.next_run_at).toMatch(/T19:30:00.000Z$/);

    const pro = await newTenant(replicas[0], { plan: 'pro' });
    const free = await newTenant(replicas[0], { plan: 'free' });
    for (const [body, who, status, field] of [
      [{ cron: '61 * * * *' }, enterprise, 400, 'cron'],
      [{ cron: '* * *' }, enterprise, 400, 'cron'],
      [{ cron: '* * * * *', timezone: 'Nowhere/Town' }, enterprise, 400, 'timezone'],
      [{ cron: '* * * * *', task: 'no_such_task' }, enterprise, 400, 'task'],
      [{ cron: '* * * * *', params: { surprise: 1 } }, enterprise, 400, 'params.surprise'],
      [{ cron: '* * * * *', misfire: 'sometimes' }, enterprise, 400, 'misfire'],
      [{ cron: '* * * * *', color: 'red' }, enterprise, 400, 'color'],
      [{ cron: '* * * * *', priority: 11 }, enterprise, 400, 'priority'],
      [{ cron: '* * * * * *' }, pro, 403, null],
      [{ cron: '*/4 * * * *' }, pro, 403, null],
      [{ cron: '*/30 * * * *' }, free, 403, null],
      [{ cron: '0 * * * *', priority: 10 }, free, 403, null],
    ] as const) {
      const refused = await api('POST', '/api/v1/schedules', { name: 'x', timezone: 'UTC', ...NOOP, ...body }, who);
      expect([JSON.stringify(body), refused.statusCode]).toEqual([JSON.stringify(body), status]);
      if (field) expect(refused.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api('POST', '/api/v1/schedules', { name: 'x', timezone: 'UTC', cron: '*/5 * * * *', ...NOOP }, pro)).statusCode).toBe(201);
    // A PATCH may leave a field out but not send it as null: each is a 400 naming the field, the schedule unchanged.
    for (const field of ['name', 'cron', 'timezone', 'task', 'template', 'params', 'priority', 'enabled', 'misfire']) {
      const refused = await api('PATCH', `/api/v1/schedules/${created.id}`, { [field]: null });
      expect([field, refused.statusCode]).toEqual([field, 400]);
      expect(refused.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api('GET', `/api/v1/schedules/${created.id}`)).json()).toMatchObject({ name: 'nightly', cron: '30 4 * * *', enabled: true });

    for (const [method, url] of [
      ['GET', `/api/v1/schedules/${created.id}`],
      ['PATCH', `/api/v1/schedules/${created.id}`],
      ['DELETE', `/api/v1/schedules/${created.id}`],
      ['GET', `/api/v1/schedules/${created.id}/runs`],
    ] as const) {
      expect((await api(method, url, method === 'PATCH' ? { enabled: false } : undefined, pro)).statusCode).toBe(404);
    }
    expect((await api('GET', '/api/v1/schedules/nope')).statusCode).toBe(400);
    expect((await api('DELETE', `/api/v1/schedules/${created.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/v1/schedules/${created.id}`)).statusCode).toBe(404);
  });

  it('one fire raced by both replicas’ firers creates one job', async () => {
    const schedule = await create({ cron: '0 0 1 1 *', enabled: false });
    // An endpoint that is never reachable, with retries far apart: the delivery row stays to be looked at.
    const endpoint = (await api('POST', '/api/v1/webhooks', { url: 'https://unreachable.invalid/hooks', events: ['schedule.fired'] })).json() as {
      id: string;
    };
    const record = await replicas[0].get(ScheduleStore).get(enterprise.id, schedule.id);
    const at = new Date('2031-01-01T00:00:00Z');
    const outcomes = await Promise.all(replicas.flatMap((app) => [app, app].map((a) => a.get(ScheduleFirer).fire(record!, at))));
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
    expect(outcomes.every((o) => ['created', 'existing', 'busy'].includes(o.kind))).toBe(true);
    expect(await jobsOf(schedule.id)).toHaveLength(1);
    expect(await runs(schedule.id)).toHaveLength(1);
    // schedule.fired went to the outbox with the job, once.
    const announced = await replicas[0]
      .get(DataSource)
      .query(`SELECT data FROM webhook_deliveries WHERE event_type = 'schedule.fired' AND endpoint_id = $1`, [endpoint.id]);
    expect(announced).toEqual([
      { data: { schedule_id: schedule.id, name: 'test', scheduled_for: at.toISOString(), job_id: (await runs(schedule.id))[0].job_id } },
    ]);
    // Fired again later (a restarted scheduler): replayed, not repeated.
    expect((await replicas[1].get(ScheduleFirer).fire(record!, at)).kind).toBe('existing');
    expect(await jobsOf(schedule.id)).toHaveLength(1);
  });

  it('every second for 10 s on two replicas: exactly one job per fire, none skipped; pausing stops the fires', async () => {
    const schedule = await create({ cron: '* * * * * *' });
    await sleep(10_000);
    const paused = await api('PATCH', `/api/v1/schedules/${schedule.id}`, { enabled: false });
    expect(paused.statusCode).toBe(200);
    await sleep(500); // a tick that took the schedule before the pause finishes
    const fired = await runs(schedule.id);
    const jobs = await jobsOf(schedule.id);
    const times = fired.map((r) => Date.parse(r.scheduled_for));
    expect(fired.length).toBeGreaterThanOrEqual(8);
    expect(jobs).toHaveLength(fired.length);
    expect(new Set(jobs.map((j) => j.idempotency_key)).size).toBe(jobs.length);
    // Consecutive seconds, none missing, none twice.
    times.forEach((t, i) => i && expect(t - times[i - 1]).toBe(1_000));
    expect(times[0]).toBeLessThanOrEqual(Date.parse(schedule.next_run_at));

    await sleep(2_000);
    expect(await runs(schedule.id)).toHaveLength(fired.length);
  });

  it('a restart of every scheduler in the middle neither skips (run_once) nor doubles', async () => {
    const schedule = await create({ cron: '* * * * * *', misfire: 'run_once' });
    await waitFor(async () => (await runs(schedule.id)).length >= 3, 15_000, 'three fires');
    for (const app of replicas) await harness.stop(app);
    const stoppedAt = Date.now();
    const client = new Client({ connectionString: harness.db.url });
    await client.connect();
    const before = await client.query(`SELECT max(scheduled_for) AS last FROM schedule_runs WHERE schedule_id = $1`, [schedule.id]);
    await client.end();
    const lastBefore = (before.rows[0].last as Date).getTime();
    // Long enough that at least three fires are past the grace edge even when the restart is quick
    // (the last fire before the stop can be a few ms before it).
    await sleep(4_500);
    // Restarted with the loops off, so the test knows when the first tick after the restart runs; both replicas race it.
    replicas = [await harness.start(manualTicks), await harness.start(manualTicks)];
    const tickStart = Date.now();
    await Promise.all(replicas.map((app) => app.get(Scheduler).tick()));
    await sleep(1_200);
    await Promise.all(replicas.map((app) => app.get(Scheduler).tick()));
    await api('PATCH', `/api/v1/schedules/${schedule.id}`, { enabled: false });

    const fired = (await runs(schedule.id)).map((r) => Date.parse(r.scheduled_for));
    const jobs = await jobsOf(schedule.id);
    expect(jobs).toHaveLength(fired.length);
    expect(new Set(fired).size).toBe(fired.length);
    // The scheduler reads its own clock inside the tick, so its grace edge (now - 1 s) is at or
    // after `tickStart - 1 s`; the assertions hold wherever in that window the tick ran.
    const graceEdgeAtLeast = tickStart - 1_000;
    expect(Math.floor((graceEdgeAtLeast - lastBefore) / 1_000)).toBeGreaterThanOrEqual(3); // several fires missed
    const after = fired.filter((t) => t > lastBefore);
    // The missed fires ran once: only the latest of them (a gap before it, none after it) ...
    expect(after[0] - lastBefore).toBeGreaterThanOrEqual(2_000);
    expect(after[0]).toBeGreaterThanOrEqual(graceEdgeAtLeast - 1_000);
    // ... then every on-time fire of the first and the second tick, none skipped.
    expect(after.length).toBeGreaterThanOrEqual(3);
    after.slice(1).forEach((t, i) => expect(t - after[i]).toBe(1_000));
    expect(stoppedAt).toBeLessThan(tickStart);
  });
});
