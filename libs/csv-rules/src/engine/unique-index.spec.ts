import { UniqueValueIndex } from './unique-index';

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
    const index = new UniqueValueIndex(3);
    expect([index.firstRowOf('a', 1), index.firstRowOf('b', 2), index.firstRowOf('c', 3)]).toEqual([0, 0, 0]);
    expect(index.isFull).toBe(true);
    expect(index.firstRowOf('d', 4)).toBe(0);
    expect(index.firstRowOf('d', 5)).toBe(0);
    expect(index.firstRowOf('b', 6)).toBe(2);
  });
});
