const DOUBLE_SPACE = / {2}/;

/** Whitespace at either end, or a first character that starts a spreadsheet formula. */
function edgeSuspect(cell: string): boolean {
  if (cell.length === 0) return false;
  const first = cell.charCodeAt(0);
  if (first <= 0x20 || first === 0xa0 || first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40) return true;
  const last = cell.charCodeAt(cell.length - 1);
  return last <= 0x20 || last === 0xa0;
}

/**
 * Auto-fix's per-cell pre-check: can the whitespace fix or formula neutralising change this
 * cell? Two character reads for most cells, plus a double-space search in the columns whose
 * fix collapses spaces; most cells are cleared here and skip both.
 */
export class CellSuspicion {
  private flags = new Uint8Array(64);

  /** `collapsesSpaces[i]` is 1 when the column at position i collapses inner runs of spaces. */
  constructor(private readonly collapsesSpaces: Uint8Array) {}

  /** Flags for the current row: 1 = look closer, 0 = nothing to do. Valid until the next call. */
  scan(cells: readonly string[]): Uint8Array {
    if (cells.length > this.flags.length) this.flags = new Uint8Array(cells.length * 2);
    const flags = this.flags;
    const collapses = this.collapsesSpaces;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      flags[i] = edgeSuspect(cell) || (i < collapses.length && collapses[i] === 1 && DOUBLE_SPACE.test(cell)) ? 1 : 0;
    }
    return flags;
  }

  /** Every cell flagged (the header, which is handled the slow way). */
  all(count: number): Uint8Array {
    if (count > this.flags.length) this.flags = new Uint8Array(count * 2);
    this.flags.fill(1, 0, count);
    return this.flags;
  }
}
