import { CronPlan, CronPlanError, planRefusal } from './cron-plan';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('CronPlan', () => {
  it('fires a fixed local time at its UTC instant on either side of a DST change (Europe/Berlin)', () => {
    const plan = new CronPlan('30 9 * * *', 'Europe/Berlin');
    expect(iso(plan.between(new Date('2026-03-27T00:00:00Z'), new Date('2026-03-31T00:00:00Z'), 10))).toEqual([
      '2026-03-27T08:30:00.000Z',
      '2026-03-28T08:30:00.000Z',
      '2026-03-29T07:30:00.000Z',
      '2026-03-30T07:30:00.000Z',
    ]);
  });

  it('does not fire a local time that does not exist (spring forward: 02:30 on 2026-03-29 in Berlin)', () => {
    const plan = new CronPlan('30 2 * * *', 'Europe/Berlin');
    expect(iso(plan.between(new Date('2026-03-27T00:00:00Z'), new Date('2026-03-31T00:00:00Z'), 10))).toEqual([
      '2026-03-27T01:30:00.000Z',
      '2026-03-28T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('fires a local time that happens twice once, at the first (fall back: 02:30 on 2026-10-25 in Berlin)', () => {
    const plan = new CronPlan('30 2 * * *', 'Europe/Berlin');
    expect(iso(plan.between(new Date('2026-10-24T00:00:00Z'), new Date('2026-10-27T00:00:00Z'), 10))).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('an interval schedule through the repeated hour fires each local time once', () => {
    const plan = new CronPlan('*/30 * * * *', 'Europe/Berlin');
    // Local 02:00 CEST, 02:30 CEST, then the clock goes back: 02:00 and 02:30 CET do not fire again.
    expect(iso(plan.between(new Date('2026-10-24T23:45:00Z'), new Date('2026-10-25T02:15:00Z'), 10))).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
  });

  it('an interval schedule through the skipped hour has no fires in it', () => {
    const plan = new CronPlan('0 * * * *', 'America/New_York');
    // 2026-03-08: 02:00 EST does not exist (01:59 EST -> 03:00 EDT).
    expect(iso(plan.between(new Date('2026-03-08T05:30:00Z'), new Date('2026-03-08T08:30:00Z'), 10))).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T08:00:00.000Z',
    ]);
  });

  it('reads 6 fields as seconds first', () => {
    const plan = new CronPlan('*/2 * * * * *', 'UTC');
    expect(plan.withSeconds).toBe(true);
    expect(iso(plan.between(new Date('2026-01-01T00:00:00.500Z'), new Date('2026-01-01T00:00:05Z'), 10))).toEqual([
      '2026-01-01T00:00:02.000Z',
      '2026-01-01T00:00:04.000Z',
    ]);
  });

  it.each([
    ['61 * * * *', 'UTC', 'cron'],
    ['* * * *', 'UTC', 'cron'],
    ['* * * * * * *', 'UTC', 'cron'],
    ['not a cron', 'UTC', 'cron'],
    ['0 0 30 2 *', 'UTC', 'cron'],
    ['* * * * *', 'Mars/Olympus_Mons', 'timezone'],
    ['* * * * *', '', 'timezone'],
  ])('refuses %j in %j (field %s)', (expression, timezone, field) => {
    let caught: unknown;
    try {
      new CronPlan(expression, timezone);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CronPlanError);
    expect((caught as CronPlanError).field).toBe(field);
  });

  it('holds each plan to its minimum interval, and seconds to enterprise', () => {
    expect(planRefusal('free', new CronPlan('*/30 * * * *', 'UTC'))).toMatch(/at least 3600 s/);
    expect(planRefusal('free', new CronPlan('0 * * * *', 'UTC'))).toBeNull();
    expect(planRefusal('pro', new CronPlan('*/4 * * * *', 'UTC'))).toMatch(/at least 300 s/);
    expect(planRefusal('pro', new CronPlan('*/5 * * * *', 'UTC'))).toBeNull();
    // Irregular lists are held to their shortest gap.
    expect(planRefusal('business', new CronPlan('0,1,30 * * * *', 'UTC'))).toBeNull();
    expect(planRefusal('pro', new CronPlan('0,1,30 * * * *', 'UTC'))).toMatch(/every 60 s/);
    expect(planRefusal('business', new CronPlan('* * * * * *', 'UTC'))).toMatch(/enterprise/);
    expect(planRefusal('enterprise', new CronPlan('* * * * * *', 'UTC'))).toBeNull();
  });
});
