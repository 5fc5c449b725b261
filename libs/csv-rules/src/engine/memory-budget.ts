/** Default ceiling on what one run's `unique` indexes may hold together (see UniqueValueIndex). */
export const DEFAULT_MAX_UNIQUE_INDEX_BYTES = 32 * 1024 * 1024;

/**
 * Bytes one validation run may spend on structures that grow with the file (the `unique`
 * indexes), shared by all of them. A structure asks before it grows and degrades (with a
 * warning in the report) when the answer is no, instead of growing without bound.
 */
export class MemoryBudget {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Bytes that can still be taken (what is held now, such as a table being replaced, counts as used). */
  available(): number {
    return Math.max(0, this.limitBytes - this.used);
  }

  /** Records a structure growing from `fromBytes` to `toBytes`; the caller checked `available` first. */
  resize(fromBytes: number, toBytes: number): void {
    this.used += toBytes - fromBytes;
  }
}
