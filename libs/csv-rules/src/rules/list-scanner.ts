function isSpace(code: number): boolean {
  return code <= 0x20 || code === 0xa0;
}

/**
 * Walks the items of a list cell in place (no substrings, no arrays: it runs on every row).
 * The cell is split on the first of `separators` that it contains, so URLs with commas survive
 * in a `|`-separated list; items are trimmed and empty ones skipped.
 */
export class ListScanner {
  /** The item `accept` refused in the last scan, as [start, end) in the cell; -1 when none. */
  refusedStart = -1;
  refusedEnd = -1;

  constructor(private readonly separators: readonly string[]) {}

  /** Returns the number of items visited (all of them, unless `accept` refused one). */
  scan(value: string, accept: ((text: string, start: number, end: number) => boolean) | null): number {
    this.refusedStart = -1;
    this.refusedEnd = -1;
    let separator = '';
    for (let s = 0; s < this.separators.length; s++) {
      if (value.indexOf(this.separators[s]) !== -1) {
        separator = this.separators[s];
        break;
      }
    }
    let count = 0;
    for (let from = 0; ; ) {
      const next = separator === '' ? -1 : value.indexOf(separator, from);
      let start = from;
      let end = next === -1 ? value.length : next;
      while (start < end && isSpace(value.charCodeAt(start))) start++;
      while (end > start && isSpace(value.charCodeAt(end - 1))) end--;
      if (end > start) {
        count++;
        if (accept !== null && !accept(value, start, end)) {
          this.refusedStart = start;
          this.refusedEnd = end;
          return count;
        }
      }
      if (next === -1) return count;
      from = next + separator.length;
    }
  }
}
