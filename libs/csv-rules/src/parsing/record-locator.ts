const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

function countQuotes(cell: string): number {
  let count = 0;
  for (let at = cell.indexOf('"'); at !== -1; at = cell.indexOf('"', at + 1)) count++;
  return count;
}

/**
 * Finds where a record that papaparse read as `cells` ends in `text` (just after its line
 * break), walking the text cell by cell: a cell that starts with a quote took two quotes more
 * than its value, plus one per quote inside (they were doubled), plus any blanks papaparse
 * allows before the next separator. Returns -1 when the text does not line up (malformed
 * quoting): the caller then stops trusting positions for the rest of the piece. This gives each
 * row's text as read, for copying untouched rows, at the cost of a few character reads.
 */
export function locateRecordEnd(text: string, start: number, cells: readonly string[], delimiter: number, newline: number): number {
  let at = start;
  const last = cells.length - 1;
  for (let i = 0; i <= last; i++) {
    const cell = cells[i];
    if (text.charCodeAt(at) === QUOTE) {
      at += 2 + cell.length + countQuotes(cell);
      if (text.charCodeAt(at - 1) !== QUOTE) return -1;
      // Blanks papaparse allows between a closing quote and the separator (a tab only when it is not the delimiter).
      for (
        let code = text.charCodeAt(at);
        code !== delimiter && (code === SPACE || code === TAB || (code === CR && newline === LF));
        code = text.charCodeAt(at)
      )
        at++;
    } else {
      at += cell.length;
      // A cheap sanity check that the walk still follows the text.
      if (cell.length > 0 && text.charCodeAt(at - 1) !== cell.charCodeAt(cell.length - 1)) return -1;
    }
    if (i < last) {
      if (text.charCodeAt(at) !== delimiter) return -1;
      at++;
    }
  }
  if (at === text.length) return at;
  const code = text.charCodeAt(at);
  if (newline === LF) {
    if (code === LF) return at + 1;
    return code === CR && text.charCodeAt(at + 1) === LF ? at + 2 : -1;
  }
  return code === CR ? at + 1 : -1;
}
