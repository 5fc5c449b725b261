import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('groups calls made in the same turn and answers each with its own result', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, string>(async (items) => {
      batches.push(items);
      return items.map((n) => `#${n}`);
    });
    const answers = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(answers).toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await batcher.submit(4)).toBe('#4');
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('splits at the maximum batch size', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)))).toEqual([1, 2, 3, 4, 5]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails every call of a failed batch, and only those', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      return items;
    });
    const first = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await batcher.submit(3)).toBe(3);
  });

  it('refuses a batch that answers the wrong number of results', async () => {
    const batcher = new MicroBatcher<number, number>(async () => [1]);
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow(/1 results for 2 items/);
  });

  it('retries the items of a batch failed by one of them one at a time, so only that item fails', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (items.includes(13)) throw new Error('bad item');
        return items.map((n) => n * 2);
      },
      100,
      (error) => error instanceof Error && error.message === 'bad item',
    );
    const settled = await Promise.allSettled([11, 12, 13, 14].map((n) => batcher.submit(n)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : 'rejected'))).toEqual([22, 24, 'rejected', 28]);
    expect(batches).toEqual([[11, 12, 13, 14], [11], [12], [13], [14]]);
  });

  it('does not retry one by one when the failure is not an item’s fault', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>(
      async () => {
        calls += 1;
        throw new Error('database down');
      },
      100,
      () => false,
    );
    const settled = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
  });

  it('with maxInFlight, holds calls while that many batches run and sends them together when one ends', async () => {
    const batches: number[][] = [];
    const releases: (() => void)[] = [];
    const batcher = new MicroBatcher<number, number>(
      (items) =>
        new Promise((resolve) => {
          batches.push(items);
          releases.push(() => resolve(items));
        }),
      100,
      () => false,
      1,
    );
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    // Made while the first batch runs, in separate turns: they wait, then go as one batch.
    const later = [batcher.submit(2)];
    await new Promise((resolve) => setImmediate(resolve));
    later.push(batcher.submit(3));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    releases[0]();
    expect(await first).toBe(1);
    for (let turn = 0; turn < 5 && batches.length < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1], [2, 3]]);
    releases[1]();
    expect(await Promise.all(later)).toEqual([2, 3]);
  });

  it('with maxInFlight, a failed batch frees its slot for the calls waiting behind it', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return items;
      },
      100,
      () => false,
      1,
    );
    const failed = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = batcher.submit(2);
    await expect(failed).rejects.toThrow('database down');
    expect(await waiting).toBe(2);
  });

  it('with maxInFlight, a batch retried one item at a time holds its slot until every item is answered', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (items.length > 1 && items.includes(13)) throw new Error('bad item');
        if (items.length === 1 && items[0] === 13) throw new Error('bad item');
        return items;
      },
      100,
      (error) => error instanceof Error && error.message === 'bad item',
      1,
    );
    const firstBatch = [12, 13].map((n) => batcher.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    const after = batcher.submit(14);
    const settled = await Promise.allSettled([...firstBatch, after]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([[12, 13], [12], [13], [14]]);
  });
});
