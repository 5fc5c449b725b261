import { ArrivalSignal } from './arrival-signal';

describe('ArrivalSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Which of the promises have settled so far. */
  async function settled(promises: Promise<void>[]): Promise<boolean[]> {
    const done = promises.map(() => false);
    promises.forEach((promise, i) => void promise.then(() => (done[i] = true)));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  }

  it('lets a parked slot go when its pause is over, with no arrival', async () => {
    const signal = new ArrivalSignal();
    const parked = signal.park('pro', 100);
    expect(await settled([parked])).toEqual([false]);
    jest.advanceTimersByTime(100);
    expect(await settled([parked])).toEqual([true]);
    expect(signal.parkedOn('pro')).toBe(0);
  });

  it('wakes one parked slot per arrived job, longest parked first, and only on that plan', async () => {
    const signal = new ArrivalSignal();
    const first = signal.park('pro', 100);
    const second = signal.park('pro', 100);
    const third = signal.park('pro', 100);
    const otherPlan = signal.park('business', 100);

    expect(signal.arrived('pro', 2)).toBe(2);
    expect(await settled([first, second, third, otherPlan])).toEqual([true, true, false, false]);
    expect(signal.parkedOn('pro')).toBe(1);
    expect(signal.parkedOn('business')).toBe(1);

    // More arrivals than parked slots wake those there are; none parked wakes none.
    expect(signal.arrived('pro', 5)).toBe(1);
    expect(signal.arrived('pro', 1)).toBe(0);
    expect(signal.arrived('free', 1)).toBe(0);
    expect(await settled([third, otherPlan])).toEqual([true, false]);
  });

  it('a slot woken early does not wake again when its pause would have ended', async () => {
    const signal = new ArrivalSignal();
    let wakes = 0;
    void signal.park('pro', 100).then(() => (wakes += 1));
    signal.arrived('pro', 1);
    jest.advanceTimersByTime(200);
    await Promise.resolve();
    expect(wakes).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
