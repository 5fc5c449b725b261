/**
 * Physical line numbers of records (what a text editor shows). Most records take one line, so
 * a batch is checked with one count of its line breaks: when that matches its records, record
 * i starts on line first + i and nothing is stored. Only a batch with line breaks inside quoted
 * cells gets a line per record, counted from the cells before anything changes them.
 */
export function countLineBreaks(text: string, end: number, newline: string): number {
  let count = 0;
  for (let at = text.indexOf(newline); at !== -1 && at < end; at = text.indexOf(newline, at + 1)) count++;
  return count;
}

/** Null when every record takes exactly one line; else the starting line of each record. */
export function recordLines(
  rows: ReadonlyArray<readonly string[]>,
  firstLine: number,
  breaks: number,
  endsWithBreak: boolean,
  newline: string,
): Int32Array | null {
  if (breaks === rows.length - (endsWithBreak ? 0 : 1)) return null;
  const lines = new Int32Array(rows.length);
  let line = firstLine;
  for (let i = 0; i < rows.length; i++) {
    lines[i] = line;
    line++;
    for (const cell of rows[i]) if (cell.length > 0) line += countLineBreaks(cell, cell.length, newline);
  }
  return lines;
}
