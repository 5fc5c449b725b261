import { keyedHash, randomHashKey, type HashKey } from './keyed-hash';
import { MemoryBudget } from './memory-budget';

const INITIAL_SLOTS = 1 << 14;
/** Each slot is [hash high, hash low, first row]. */
const STRIDE = 3;
const SLOT_BYTES = STRIDE * 4;
const MAX_LOAD = 0.75;
/** A last growth smaller than this (times the current size) is not worth a rehash. */
const MIN_GROWTH = 1.25;
const TWO_TO_THE_32 = 0x1_0000_0000;
/** Tables stay below 2^30 slots, so a slot number always fits an int32. */
const MAX_SLOTS = 1 << 30;
/** Past this many distinct values the index stops growing (a rule may set it lower). */
export const DEFAULT_MAX_UNIQUE_VALUES = 3_000_000;

export type UniqueIndexLimit = 'max_values' | 'memory';

export interface UniqueIndexOptions {
  /** Stop remembering new values after this many; default DEFAULT_MAX_UNIQUE_VALUES. */
  maxValues?: number;
  /** Shared by the run's indexes; default: an unlimited budget of its own. */
  budget?: MemoryBudget;
  /** Hash key; default random per index. Given only by tests. */
  key?: HashKey;
  initialSlots?: number;
}

/**
 * An open-addressing hash set of 64-bit keyed hashes (HalfSipHash with a random key per index),
 * remembering the row each value first appeared in. One typed array keeps it compact (12 bytes
 * a slot, at most 3/4 full), out of the garbage collector's way, and one cache miss per lookup;
 * the strings themselves are not kept. It grows while its budget allows (counting the old table
 * held during a rehash), taking what is left for its last growth; then `limit` says why it stopped
 * remembering: later new values are still compared with the remembered ones.
 */
export class UniqueValueIndex {
  private slots: number;
  private size = 0;
  private table: Int32Array;
  private stoppedBy: UniqueIndexLimit | null = null;
  private readonly key0: number;
  private readonly key1: number;
  private readonly hash = new Int32Array(2);
  private readonly maxValues: number;
  private readonly budget: MemoryBudget;
  /** Probe steps past the first slot, over all lookups (how crowded the table is). */
  probeSteps = 0;

  constructor(options: UniqueIndexOptions = {}) {
    this.maxValues = options.maxValues ?? DEFAULT_MAX_UNIQUE_VALUES;
    this.budget = options.budget ?? new MemoryBudget(Number.MAX_SAFE_INTEGER);
    [this.key0, this.key1] = options.key ?? randomHashKey();
    // The first table is taken even from a spent budget: a run with several unique columns still checks each.
    this.slots = options.initialSlots ?? INITIAL_SLOTS;
    this.table = new Int32Array(this.slots * STRIDE);
    this.budget.resize(0, this.table.byteLength);
  }

  /** Distinct values remembered. */
  get distinctValues(): number {
    return this.size;
  }

  /** Why new values are no longer remembered, or null while they are. */
  get limit(): UniqueIndexLimit | null {
    return this.stoppedBy;
  }

  get byteLength(): number {
    return this.table.byteLength;
  }

  /** Records `value` at `row` (1-based) when it is new and returns 0; otherwise returns the first row. */
  firstRowOf(value: string, row: number): number {
    const hash = this.hash;
    keyedHash(value, this.key0, this.key1, hash);
    const high = hash[0];
    const low = hash[1];
    const table = this.table;
    const slots = this.slots;
    // Multiply-shift maps the hash onto any table size (the last growth need not double it).
    let slot = (((high >>> 0) * slots) / TWO_TO_THE_32) | 0;
    for (;;) {
      const at = slot * STRIDE;
      const stored = table[at + 2];
      if (stored === 0) {
        if (this.stoppedBy !== null) return 0;
        table[at] = high;
        table[at + 1] = low;
        table[at + 2] = row;
        this.size++;
        if (this.size >= this.maxValues) this.stoppedBy = 'max_values';
        else if (this.size > slots * MAX_LOAD) this.grow();
        return 0;
      }
      if (table[at] === high && table[at + 1] === low) return stored;
      this.probeSteps++;
      if (++slot === slots) slot = 0;
    }
  }

  private grow(): void {
    const oldBytes = this.table.byteLength;
    // The old table is still held while the new one fills, so the new one must fit beside it.
    const affordable = Math.floor(this.budget.available() / SLOT_BYTES);
    const slots = Math.min(this.slots * 2, affordable, MAX_SLOTS);
    if (slots < this.slots * MIN_GROWTH) {
      this.stoppedBy = 'memory';
      return;
    }
    const old = this.table;
    const table = new Int32Array(slots * STRIDE);
    for (let from = 0; from < old.length; from += STRIDE) {
      if (old[from + 2] === 0) continue;
      let slot = (((old[from] >>> 0) * slots) / TWO_TO_THE_32) | 0;
      while (table[slot * STRIDE + 2] !== 0) if (++slot === slots) slot = 0;
      const to = slot * STRIDE;
      table[to] = old[from];
      table[to + 1] = old[from + 1];
      table[to + 2] = old[from + 2];
    }
    this.budget.resize(oldBytes, table.byteLength);
    this.table = table;
    this.slots = slots;
  }
}
