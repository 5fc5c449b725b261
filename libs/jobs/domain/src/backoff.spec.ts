import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  it('grows exponentially between half and the whole delay, capped', () => {
    expect(backoffDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, 1000, 60_000, () => 0.5)).toBe(3000);
    expect(backoffDelayMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
