const NEEDS_QUOTES = /[",\r\n]/;
const QUOTES = /"/g;

/** One CSV record, `,`-separated, quoting only the cells that need it; short rows are padded to `width`. */
export function formatCsvLine(cells: readonly string[], width: number): string {
  const count = cells.length > width ? cells.length : width;
  let line = '';
  for (let i = 0; i < count; i++) {
    if (i > 0) line += ',';
    if (i >= cells.length) continue;
    const cell = cells[i];
    line += NEEDS_QUOTES.test(cell) ? `"${cell.replace(QUOTES, '""')}"` : cell;
  }
  return line;
}

/** A record as read, without its line break: for rows that need no change. */
export function withoutLineBreak(record: string): string {
  let end = record.length;
  if (end > 0 && record.charCodeAt(end - 1) === 0x0a) end--;
  if (end > 0 && record.charCodeAt(end - 1) === 0x0d) end--;
  return end === record.length ? record : record.slice(0, end);
}
