import { ValidationAbortedError } from '../errors';
import type { CorrectedCsvWriter } from '../output/corrected-writer';
import { holdsOtherSeparator } from '../output/csv-line';
import type { Delimiter, Dialect } from '../parsing/dialect';
import { locateRecordEnd } from '../parsing/record-locator';
import type { QuoteProblem, RecordBatch } from '../parsing/record-reader';
import { isBlankRow, stripTrailingCarriageReturn } from './cells';
import type { RowProcessor } from './row-processor';
import { startRows, type HeaderContext } from './start-rows';

const ABORT_CHECK_EVERY_ROWS = 1_000;

/**
 * The synchronous part of a run: walks the rows of a parsed batch (the header first, then data
 * rows) through the row processor. Kept free of `await` so the hot loop compiles as a plain
 * loop; it returns to the caller when the batch is done or the corrected output has enough
 * text pending to be flushed, and the caller awaits the write and calls `walk` again.
 */
export class BatchWalker {
  processor: RowProcessor | null = null;
  /** The header was refused (too many columns): the run reads no further. */
  refused = false;
  /** Data rows read so far (for progress). */
  rowsRead = 0;
  private headerRecord = 0;
  private rowsSinceAbortCheck = 0;
  private delimiter: Delimiter = ',';
  private delimiterCode = 0x2c;
  private newlineCode = 0x0a;
  private quoteProblems: Map<number, QuoteProblem['kind']> | null = null;
  /** Where the next row's text starts in the batch, for copying untouched rows as read; -1: not copying. */
  private recordStart = -1;
  /** The batch holds `,` or `;` besides the delimiter somewhere: each record is checked before it is copied. */
  private checkSeparators = false;

  constructor(
    private readonly header: Omit<HeaderContext, 'delimiter'>,
    private readonly writer: CorrectedCsvWriter | null,
    private readonly signal: AbortSignal | undefined,
  ) {}

  begin(batch: RecordBatch, dialect: Dialect | null): void {
    if (dialect !== null) {
      this.delimiter = dialect.delimiter;
      this.delimiterCode = dialect.delimiter.charCodeAt(0);
      this.newlineCode = dialect.newline.charCodeAt(0);
    }
    this.quoteProblems = batch.quoteProblems ? new Map(batch.quoteProblems.map((problem) => [problem.rowIndex, problem.kind])) : null;
    this.recordStart = this.writer !== null && dialect !== null ? 0 : -1;
    this.checkSeparators = this.recordStart !== -1 && holdsOtherSeparator(batch.text, this.delimiter);
  }

  /** Processes the rows of the batch given to `begin` from `from`; returns the index to go on from (its length when done). */
  walk(batch: RecordBatch, from: number): number {
    const { rows, text } = batch;
    const quoteProblems = this.quoteProblems;
    let recordStart = this.recordStart;
    for (let i = from; i < rows.length; i++) {
      const cells = rows[i];
      let record: string | null = null;
      // After a quoting problem papaparse's reading and the text may no longer line up: stop copying for this piece.
      if (quoteProblems?.has(i)) recordStart = -1;
      if (recordStart !== -1) {
        const end = locateRecordEnd(text, recordStart, cells, this.delimiterCode, this.newlineCode);
        if (end !== -1) record = text.slice(recordStart, end);
        // A record holding another spreadsheet separator is rewritten so the cell that holds it gets quoted.
        if (record !== null && this.checkSeparators && holdsOtherSeparator(record, this.delimiter)) record = null;
        recordStart = end;
      }
      stripTrailingCarriageReturn(cells);
      const line = batch.rowLines === null ? batch.firstLine + i : batch.rowLines[i];
      const processor = this.processor;
      if (processor === null) {
        if (isBlankRow(cells)) continue;
        this.processor = startRows(
          cells,
          { line, undecodable: batch.hasUndecodable, record },
          {
            ...this.header,
            delimiter: this.delimiter,
          },
        );
        if (this.processor === null) {
          this.refused = true;
          this.recordStart = recordStart;
          return rows.length;
        }
        this.headerRecord = batch.firstRecord + i;
        continue;
      }
      if (++this.rowsSinceAbortCheck >= ABORT_CHECK_EVERY_ROWS) {
        this.rowsSinceAbortCheck = 0;
        if (this.signal?.aborted) throw new ValidationAbortedError(this.signal.reason);
      }
      this.rowsRead = batch.firstRecord + i - this.headerRecord;
      processor.process(cells, this.rowsRead, line, batch.hasUndecodable, quoteProblems?.get(i), record);
      if (this.writer?.shouldFlush) {
        this.recordStart = recordStart;
        return i + 1;
      }
    }
    this.recordStart = recordStart;
    return rows.length;
  }
}
