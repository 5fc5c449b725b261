import { firesToRun } from './fire-plan';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe('firesToRun (misfire policy)', () => {
  const due = [at(0), at(1), at(2), at(3), at(10), at(11)];
  const now = at(12);

  it('fires every due time within the grace, and none of the older ones with skip', () => {
    expect(firesToRun(due, now, 1_500, 'skip')).toEqual([at(11)]);
    expect(firesToRun(due, now, 2_000, 'skip')).toEqual([at(10), at(11)]);
  });

  it('fires the latest missed time once with run_once, then the on-time ones', () => {
    expect(firesToRun(due, now, 1_500, 'run_once')).toEqual([at(10), at(11)]);
    expect(firesToRun(due, now, 2_000, 'run_once')).toEqual([at(3), at(10), at(11)]);
  });

  it('fires nothing extra when nothing was missed', () => {
    expect(firesToRun([at(11)], now, 2_000, 'run_once')).toEqual([at(11)]);
    expect(firesToRun([], now, 2_000, 'run_once')).toEqual([]);
  });
});
