const INITIAL_SLOTS = 1 << 14;
/** Each slot is [hash high, hash low, first row]. */
const STRIDE = 3;
const MAX_LOAD = 0.75;
/** Past this many distinct values the index stops growing (memory stays bounded; see `isFull`). */
export const DEFAULT_MAX_UNIQUE_VALUES = 3_000_000;

/**
 * An open-addressing hash set of 64-bit string hashes, remembering the row each value first
 * appeared in. One typed array keeps it compact (12 bytes a slot, at most 3/4 full: under 50 MB
 * at the default limit), out of the garbage collector's way, and one cache miss per lookup;
 * the strings themselves are not kept.
 */
export class UniqueValueIndex {
  private slots = INITIAL_SLOTS;
  private size = 0;
  private table = new Int32Array(INITIAL_SLOTS * STRIDE);

  constructor(private readonly maxValues: number = DEFAULT_MAX_UNIQUE_VALUES) {}

  /** True once `maxValues` distinct values are stored: later new values are not remembered. */
  get isFull(): boolean {
    return this.size >= this.maxValues;
  }

  /** Records `value` at `row` (1-based) when it is new and returns 0; otherwise returns the first row. */
  firstRowOf(value: string, row: number): number {
    // Two independent 32-bit hashes (FNV-1a and a polynomial one), each finalised below.
    let high = 0x811c9dc5 ^ value.length;
    let low = 0x9747b28c;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      high = Math.imul(high ^ code, 0x01000193);
      low = (Math.imul(low, 0x2f) + code) | 0;
    }
    high = finalMix(high);
    low = finalMix(low ^ value.length);

    const table = this.table;
    const mask = this.slots - 1;
    for (let slot = high & mask; ; slot = (slot + 1) & mask) {
      const at = slot * STRIDE;
      const stored = table[at + 2];
      if (stored === 0) {
        if (this.isFull) return 0;
        table[at] = high;
        table[at + 1] = low;
        table[at + 2] = row;
        if (++this.size > this.slots * MAX_LOAD) this.grow();
        return 0;
      }
      if (table[at] === high && table[at + 1] === low) return stored;
    }
  }

  private grow(): void {
    const old = this.table;
    this.slots *= 2;
    const table = new Int32Array(this.slots * STRIDE);
    const mask = this.slots - 1;
    for (let from = 0; from < old.length; from += STRIDE) {
      if (old[from + 2] === 0) continue;
      let slot = old[from] & mask;
      while (table[slot * STRIDE + 2] !== 0) slot = (slot + 1) & mask;
      const to = slot * STRIDE;
      table[to] = old[from];
      table[to + 1] = old[from + 1];
      table[to + 2] = old[from + 2];
    }
    this.table = table;
  }
}

/** MurmurHash3's finaliser: spreads every input bit over the whole word. */
function finalMix(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}
