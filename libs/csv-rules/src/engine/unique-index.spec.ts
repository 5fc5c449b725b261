import { keyedHash, type HashKey } from './keyed-hash';
import { MemoryBudget } from './memory-budget';
import { UniqueValueIndex } from './unique-index';

/** Values that all land in the same slot of a `slots`-slot table under `key` (what an attacker who knew the key would send). */
function craftSameSlot(key: HashKey, slots: number, count: number): string[] {
  const hash = new Int32Array(2);
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) {
    const value = `SKU-${i}`;
    keyedHash(value, key[0], key[1], hash);
    if (Math.floor(((hash[0] >>> 0) * slots) / 0x1_0000_0000) === 0) found.push(value);
  }
  return found;
}

describe('UniqueValueIndex', () => {
  it('returns 0 for new values and the first row for repeats, across many growths', () => {
    const index = new UniqueValueIndex();
    let falseRepeats = 0;
    for (let row = 1; row <= 200_000; row++) if (index.firstRowOf(`SKU-${row}`, row) !== 0) falseRepeats++;
    expect(falseRepeats).toBe(0);
    expect(index.firstRowOf('SKU-1', 200_001)).toBe(1);
    expect(index.firstRowOf('SKU-123456', 200_002)).toBe(123_456);
    expect(index.firstRowOf('SKU-200000', 200_003)).toBe(200_000);
    expect(index.firstRowOf('SKU-200001', 200_004)).toBe(0);
  });

  it('tells apart values that differ only slightly (order, length, case)', () => {
    const index = new UniqueValueIndex();
    const values = ['ab', 'ba', 'a', 'aa', 'AB', 'ab ', '', 'a\u0000', 'ç', 'c'];
    values.forEach((value, i) => expect(index.firstRowOf(value, i + 1)).toBe(0));
  });

  it('stops remembering past its limit but still finds the values it has', () => {
    const index = new UniqueValueIndex({ maxValues: 3 });
    expect([index.firstRowOf('a', 1), index.firstRowOf('b', 2), index.firstRowOf('c', 3)]).toEqual([0, 0, 0]);
    expect(index.limit).toBe('max_values');
    expect(index.firstRowOf('d', 4)).toBe(0);
    expect(index.firstRowOf('d', 5)).toBe(0);
    expect(index.firstRowOf('b', 6)).toBe(2);
  });

  it('keeps its lookups short for values crafted to collide under another key', () => {
    const slots = 1024;
    const attackedKey: HashKey = [0x1234_5678, -0x0edc_ba99];
    const crafted = craftSameSlot(attackedKey, slots, 600);
    const insertAll = (index: UniqueValueIndex): number => {
      crafted.forEach((value, i) => expect(index.firstRowOf(value, i + 1)).toBe(0));
      return index.probeSteps / crafted.length;
    };

    // Under the key they were crafted for, every value lands in one slot: each insert walks the whole chain.
    const attacked = insertAll(new UniqueValueIndex({ key: attackedKey, initialSlots: slots }));
    expect(attacked).toBeGreaterThan(250);
    // Under any other key (each index draws its own at random) they spread like any values.
    const fresh = insertAll(new UniqueValueIndex({ key: [0x0bad_cafe, 0x7fff_0001], initialSlots: slots }));
    expect(fresh).toBeLessThan(3);
    const random = insertAll(new UniqueValueIndex({ initialSlots: slots }));
    expect(random).toBeLessThan(3);
  });

  it('grows only within its memory budget, shared with the other indexes of the run, then stops remembering', () => {
    const budget = new MemoryBudget(1024 * 1024);
    const other = new UniqueValueIndex({ budget });
    const index = new UniqueValueIndex({ budget });
    let row = 0;
    while (index.limit === null && row < 1_000_000) index.firstRowOf(`V${++row}`, row);

    expect(index.limit).toBe('memory');
    expect(budget.usedBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(budget.usedBytes).toBe(other.byteLength + index.byteLength);
    const remembered = index.distinctValues;
    expect(remembered).toBe(row);
    expect(index.firstRowOf('V1', row + 1)).toBe(1);
    expect(index.firstRowOf(`V${remembered}`, row + 2)).toBe(remembered);
    expect(index.firstRowOf('never seen', row + 3)).toBe(0);
    expect(index.firstRowOf('never seen', row + 4)).toBe(0);
    expect(index.distinctValues).toBe(remembered);
  });

  it('takes what is left of its budget for a last growth that need not double the table', () => {
    // 16,384 slots (192 KiB) fit; doubling to 384 KiB beside them does not, 300 KiB more does.
    const index = new UniqueValueIndex({ budget: new MemoryBudget(192 * 1024 + 300 * 1024) });
    for (let row = 1; index.limit === null; row++) index.firstRowOf(`V${row}`, row);
    expect(index.byteLength).toBeGreaterThan(192 * 1024 * 1.25);
    expect(index.byteLength).toBeLessThanOrEqual(300 * 1024);
    expect(index.distinctValues).toBeGreaterThan(16_384 * 0.75 * 1.25);
  });
});
