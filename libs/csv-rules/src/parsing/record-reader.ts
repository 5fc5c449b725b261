import { BinaryContentGuard } from '../encoding/binary-guard';
import type { EncodingOption, TextEncodingName } from '../encoding/encoding-names';
import { InputDecoder } from '../encoding/input-decoder';
import { UnreadableCsvError } from '../errors';
import type { Delimiter, Dialect } from './dialect';
import { DialectSniffer } from './dialect-sniffer';
import { countLineBreaks, recordLines } from './line-numbers';
import { RecordParser, type QuoteProblem } from './record-parser';

export type { QuoteProblem } from './record-parser';

export interface RecordBatch {
  rows: string[][];
  /** Position of rows[0] among all records of the file (0 is the first record). */
  firstRecord: number;
  /** The physical line (1-based) rows[0] starts on. */
  firstLine: number;
  /** The line each row starts on; null when each row is one line (row i starts on firstLine + i). */
  rowLines: Int32Array | null;
  /** The text the rows were parsed from (rows[0] starts at its beginning). */
  text: string;
  quoteProblems: QuoteProblem[] | null;
  /** Some bytes of these rows could not be decoded (they read as U+FFFD). */
  hasUndecodable: boolean;
  bytesRead: number;
}

export interface RecordReaderOptions {
  encoding: EncodingOption;
  delimiter: Delimiter | undefined;
  maxRecordChars: number;
}

/**
 * Streams records out of a byte source with papaparse's core parser. We keep the unparsed tail
 * ourselves (as papaparse's own streamer does) so we can bound it: a record longer than
 * `maxRecordChars` (in practice an unterminated quote) is an error rather than unbounded memory,
 * and a long record is re-parsed only when the text behind it has doubled, not on every chunk.
 */
export class CsvRecordReader {
  private readonly decoder: InputDecoder;
  private readonly guard = new BinaryContentGuard();
  private readonly sniffer: DialectSniffer;
  private parser: RecordParser | null = null;
  private detected: Dialect | null = null;
  private partial = '';
  private pending: string[] = [];
  private pendingChars = 0;
  private recordsSoFar = 0;
  private lineBreaksSoFar = 0;
  private bytesRead = 0;

  constructor(
    private readonly source: AsyncIterable<Buffer | string>,
    private readonly options: RecordReaderOptions,
  ) {
    this.decoder = new InputDecoder(options.encoding);
    this.sniffer = new DialectSniffer(options.delimiter);
  }

  get encoding(): TextEncodingName {
    return this.decoder.encoding;
  }

  get dialect(): Dialect | null {
    return this.detected;
  }

  get totalBytesRead(): number {
    return this.bytesRead;
  }

  async *batches(): AsyncGenerator<RecordBatch> {
    for await (const chunk of this.source) {
      const bytesBefore = this.bytesRead;
      let text: string;
      if (typeof chunk === 'string') {
        text = chunk;
        this.bytesRead += Buffer.byteLength(chunk);
      } else {
        text = this.decoder.write(chunk);
        this.bytesRead += chunk.length;
      }
      if (!this.accept(text, bytesBefore)) continue;
      if (this.partial.length > this.pendingChars) continue;
      const batch = this.parsePending(false);
      if (batch) yield batch;
    }
    this.accept(this.decoder.end(), this.bytesRead);
    this.guard.finish();
    if (!this.parser && this.pendingChars === 0) return;
    const batch = this.parsePending(true);
    if (batch) yield batch;
  }

  /** Takes decoded text in; false while there is nothing to parse yet. */
  private accept(text: string, bytesBefore: number): boolean {
    if (text.length === 0) return false;
    this.guard.check(text, bytesBefore);
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.parser) return true;
    const dialect = this.sniffer.feed(text);
    if (!dialect) {
      if (this.sniffer.scannedChars > this.options.maxRecordChars) throw this.recordTooLarge();
      return false;
    }
    this.startParser(dialect);
    return true;
  }

  private startParser(dialect: Dialect): RecordParser {
    this.detected = dialect;
    this.parser = new RecordParser(dialect);
    return this.parser;
  }

  private parsePending(isFinal: boolean): RecordBatch | null {
    const parser = this.parser ?? this.startParser(this.sniffer.finish());
    const text = this.pending.length === 1 ? this.partial + this.pending[0] : this.partial + this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;

    const parsed = parser.parse(text, isFinal);
    this.partial = isFinal ? '' : text.substring(parsed.consumed);
    if (this.partial.length > this.options.maxRecordChars) throw this.recordTooLarge();

    const rows = parsed.rows;
    if (rows.length === 0) return null;
    const newline = parser.dialect.newline;
    const end = isFinal ? text.length : parsed.consumed;
    const breaks = countLineBreaks(text, end, newline);
    const firstLine = this.lineBreaksSoFar + 1;
    this.lineBreaksSoFar += breaks;
    const batch: RecordBatch = {
      rows,
      firstRecord: this.recordsSoFar,
      firstLine,
      rowLines: recordLines(rows, firstLine, breaks, end > 0 && text[end - 1] === newline, newline),
      text,
      quoteProblems: parsed.quoteProblems,
      hasUndecodable: text.indexOf('\ufffd') !== -1,
      bytesRead: this.bytesRead,
    };
    this.recordsSoFar += rows.length;
    return batch;
  }

  private recordTooLarge(): UnreadableCsvError {
    return new UnreadableCsvError(
      'record_too_large',
      `record ${this.recordsSoFar + 1} of the file is longer than ${this.options.maxRecordChars} characters; ` +
        'an unterminated quote is the usual cause',
    );
  }
}
