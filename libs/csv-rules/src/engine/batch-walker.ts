import { ValidationAbortedError } from '../errors';
import type { CorrectedCsvWriter } from '../output/corrected-writer';
import type { Dialect } from '../parsing/dialect';
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
  private batch: RecordBatch | null = null;
  private dialect: Dialect | null = null;
  private quoteProblems: Map<number, QuoteProblem['kind']> | null = null;
  /** Where the next row's text starts in the batch, for copying untouched rows as read; -1: not copying. */
  private recordStart = -1;

  constructor(
    private readonly header: Omit<HeaderContext, 'delimiter'>,
    private readonly writer: CorrectedCsvWriter | null,
    private readonly signal: AbortSignal | undefined,
  ) {}

  begin(batch: RecordBatch, dialect: Dialect | null): void {
    this.batch = batch;
    this.dialect = dialect;
    this.quoteProblems = batch.quoteProblems ? new Map(batch.quoteProblems.map((problem) => [problem.rowIndex, problem.kind])) : null;
    this.recordStart = this.writer !== null && dialect !== null ? 0 : -1;
  }

  /** Processes rows from `from`; returns the index to go on from (the batch's length when it is done). */
  walk(from: number): number {
    const batch = this.batch!;
    const { rows, text } = batch;
    const quoteProblems = this.quoteProblems;
    for (let i = from; i < rows.length; i++) {
      const cells = rows[i];
      let record: string | null = null;
      // After a quoting problem papaparse's reading and the text may no longer line up: stop copying for this piece.
      if (quoteProblems?.has(i)) this.recordStart = -1;
      if (this.recordStart !== -1) {
        const dialect = this.dialect!;
        const end = locateRecordEnd(text, this.recordStart, cells, dialect.delimiter.charCodeAt(0), dialect.newline.charCodeAt(0));
        record = end === -1 ? null : text.slice(this.recordStart, end);
        this.recordStart = end;
      }
      stripTrailingCarriageReturn(cells);
      const line = batch.rowLines === null ? batch.firstLine + i : batch.rowLines[i];
      const processor = this.processor;
      if (processor === null) {
        if (isBlankRow(cells)) continue;
        this.processor = startRows(cells, { line, undecodable: batch.hasUndecodable, record }, {
          ...this.header,
          delimiter: this.dialect?.delimiter ?? ',',
        });
        if (this.processor === null) {
          this.refused = true;
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
      if (this.writer?.shouldFlush) return i + 1;
    }
    return rows.length;
  }
}
