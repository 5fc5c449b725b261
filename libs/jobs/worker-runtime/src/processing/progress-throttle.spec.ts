import { ProgressReport, ProgressThrottle } from './progress-throttle';

describe('ProgressThrottle', () => {
  let now = 0;
  let sent: ProgressReport[];
  const throttle = (intervalMs = 500) =>
    new ProgressThrottle(
      intervalMs,
      (r) => sent.push(r),
      () => now,
    );

  beforeEach(() => {
    jest.useFakeTimers();
    now = 1_000;
    sent = [];
  });
  afterEach(() => jest.useRealTimers());

  const advance = (ms: number) => {
    now += ms;
    jest.advanceTimersByTime(ms);
  };

  it('sends the first report at once and holds later ones until the interval ends', () => {
    const t = throttle();
    t.report(1, 'a');
    t.report(2, 'b');
    t.report(3, 'c');
    expect(sent).toEqual([{ percent: 1, message: 'a' }]);
    advance(499);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent).toEqual([
      { percent: 1, message: 'a' },
      { percent: 3, message: 'c' },
    ]);
  });

  it('never sends more than one report per interval under a flood', () => {
    const t = throttle(100);
    for (let i = 0; i < 1_000; i++) {
      t.report(i / 10, `row ${i}`);
      advance(1);
    }
    advance(100);
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(sent.at(-1)).toEqual({ percent: 99.9, message: 'row 999' });
  });

  it('always delivers the last report, even when nothing follows it', () => {
    const t = throttle();
    t.report(10);
    advance(100);
    t.report(55, 'last');
    advance(10_000);
    expect(sent.map((r) => r.percent)).toEqual([10, 55]);
  });

  it('flush sends the waiting report immediately and stops further ones', () => {
    const t = throttle();
    t.report(10);
    t.report(90, 'almost');
    t.flush();
    expect(sent.map((r) => r.percent)).toEqual([10, 90]);
    t.report(95);
    advance(1_000);
    expect(sent).toHaveLength(2);
  });

  it('cancel drops the waiting report', () => {
    const t = throttle();
    t.report(10);
    t.report(20);
    t.cancel();
    advance(1_000);
    expect(sent.map((r) => r.percent)).toEqual([10]);
  });

  it('clamps out-of-range values and ignores non-numbers', () => {
    const t = throttle(0);
    t.report(-5);
    t.report(250);
    t.report(Number.NaN);
    t.report(Number.POSITIVE_INFINITY);
    expect(sent.map((r) => r.percent)).toEqual([0, 100]);
  });

  it('with a zero interval sends every report', () => {
    const t = throttle(0);
    [1, 2, 3].forEach((p) => t.report(p));
    expect(sent.map((r) => r.percent)).toEqual([1, 2, 3]);
  });
});
