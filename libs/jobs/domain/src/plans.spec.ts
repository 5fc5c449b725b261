import { MAX_FAIR_RANK, PLAN_SETTINGS, planForQueue, queueForPlan, toFairQueuePriority, toQueuePriority } from './plans';

describe('plans and queues', () => {
  it('maps each plan to its own BullMQ-safe queue with the contract defaults', () => {
    expect(Object.values(PLAN_SETTINGS).map((s) => [s.queue, s.defaultPriority, s.defaultConcurrency])).toEqual([
      ['queue-free', 1, 1],
      ['queue-pro', 5, 2],
      ['queue-business', 7, 3],
      ['queue-enterprise', 10, 5],
    ]);
    for (const s of Object.values(PLAN_SETTINGS)) expect(s.queue).not.toContain(':');
    expect(planForQueue(queueForPlan('business'))).toBe('business');
    expect(planForQueue('nope')).toBeUndefined();
  });

  it('maps priority 1..10 (higher first) onto BullMQ order (lower first, never 0)', () => {
    const mapped = Array.from({ length: 10 }, (_, i) => toQueuePriority(i + 1));
    expect(mapped).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(() => toQueuePriority(0)).toThrow(RangeError);
    expect(() => toQueuePriority(11)).toThrow(RangeError);
    expect(() => toQueuePriority(2.5)).toThrow(RangeError);
  });

  it('orders by place in the tenant backlog first, then by priority, within BullMQ range', () => {
    expect(toFairQueuePriority(5, 1)).toBe(toQueuePriority(5));
    expect(toFairQueuePriority(1, 1)).toBeLessThan(toFairQueuePriority(10, 2));
    expect(toFairQueuePriority(10, 2)).toBeLessThan(toFairQueuePriority(1, 2));
    expect(toFairQueuePriority(1, 10_000_000)).toBe(toFairQueuePriority(1, MAX_FAIR_RANK));
    expect(toFairQueuePriority(1, MAX_FAIR_RANK)).toBeLessThanOrEqual(2 ** 21);
    expect(toFairQueuePriority(7, 0)).toBe(toQueuePriority(7));
  });
});
