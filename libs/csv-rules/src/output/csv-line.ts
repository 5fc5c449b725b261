import type { Delimiter } from '../parsing/dialect';

const QUOTES = /"/g;
/** Rows wider than this are joined from an array: one flat string instead of a chain of two concatenations per cell. */
const WIDE_ROW = 64;

/**
 * Writes records in the input's delimiter. A cell is quoted when it holds a quote, a line
 * break or the delimiter, and also when it holds `,` or `;` whatever the delimiter: those are
 * what spreadsheets split on (`;` in Brazilian and most European locales), and a cell such as
 * `x;=1+1` left bare would open as two cells, the second a formula.
 */
export class CsvLineFormatter {
  private readonly needsQuotes: RegExp;
  private padding = '';
  private paddingCells = 0;

  constructor(readonly delimiter: Delimiter) {
    this.needsQuotes = delimiter === '\t' ? /[",;\r\n\t]/ : delimiter === '|' ? /[",;\r\n|]/ : /[",;\r\n]/;
  }

  /** One record, quoting only the cells that need it; short rows are padded with empty cells to `width`. */
  format(cells: readonly string[], width: number): string {
    if (cells.length > WIDE_ROW) return this.formatWide(cells, width);
    const delimiter = this.delimiter;
    let line = '';
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) line += delimiter;
      line += this.quoted(cells[i]);
    }
    return cells.length < width ? line + this.paddingFor(cells.length, width) : line;
  }

  private formatWide(cells: readonly string[], width: number): string {
    const parts = cells.map((cell) => this.quoted(cell));
    const line = parts.join(this.delimiter);
    return cells.length < width ? line + this.paddingFor(cells.length, width) : line;
  }

  private quoted(cell: string): string {
    return this.needsQuotes.test(cell) ? `"${cell.replace(QUOTES, '""')}"` : cell;
  }

  /** Delimiters for the missing cells; rows of one file tend to miss the same number, so the last one is kept. */
  private paddingFor(present: number, width: number): string {
    const missing = present === 0 ? width - 1 : width - present;
    if (missing !== this.paddingCells) {
      this.padding = this.delimiter.repeat(missing);
      this.paddingCells = missing;
    }
    return this.padding;
  }
}

/**
 * Whether `text` holds `,` or `;` other than as `delimiter`: a record as read that does is
 * rewritten (its cells quoted), not copied. Cheap enough to ask of a whole parsed chunk first.
 */
export function holdsOtherSeparator(text: string, delimiter: Delimiter): boolean {
  return (delimiter !== ',' && text.indexOf(',') !== -1) || (delimiter !== ';' && text.indexOf(';') !== -1);
}

/** A record as read, without its line break: for rows that need no change. */
export function withoutLineBreak(record: string): string {
  let end = record.length;
  if (end > 0 && record.charCodeAt(end - 1) === 0x0a) end--;
  if (end > 0 && record.charCodeAt(end - 1) === 0x0d) end--;
  return end === record.length ? record : record.slice(0, end);
}
