import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { OutputLimit } from './output-limit';
import { waitForDrain } from './wait-for-drain';

const LINE_END = '\r\n';
/** Pending text past which the caller should flush mid-batch (a few rows that pad out wide must not pile up). */
const FLUSH_AT_CHARS = 1024 * 1024;

/**
 * Writes the corrected CSV (UTF-8, the input's delimiter, CRLF as in RFC 4180). Rows are
 * gathered and written in one call per parsed batch, or sooner once `shouldFlush` says enough
 * text is pending; when the destination is full we wait for 'drain' before reading more input,
 * so a slow destination slows the read instead of filling memory. Every write is counted
 * against the output limit before it is made.
 */
export class CorrectedCsvWriter {
  /** Lines pending; joined once per flush (cheaper than growing one string row by row). */
  private lines: string[] = [];
  private pendingChars = 0;
  private written = 0;
  private bom: boolean;

  constructor(
    private readonly output: Writable,
    private readonly signal: AbortSignal | undefined,
    withBom: boolean,
    private readonly limit: OutputLimit,
  ) {
    this.bom = withBom;
  }

  get bytesWritten(): number {
    return this.written;
  }

  get shouldFlush(): boolean {
    return this.pendingChars >= FLUSH_AT_CHARS;
  }

  writeLine(line: string): void {
    this.lines.push(line);
    this.pendingChars += line.length + LINE_END.length;
  }

  /** `inputBytesRead` so far sets the output limit when the input's size was not given. */
  async flush(inputBytesRead: number): Promise<void> {
    if (this.lines.length === 0) return;
    this.lines.push('');
    const bytes = Buffer.from((this.bom ? '\ufeff' : '') + this.lines.join(LINE_END), 'utf8');
    this.lines = [];
    this.pendingChars = 0;
    this.limit.check(this.written, bytes.length, inputBytesRead);
    this.bom = false;
    this.written += bytes.length;
    if (!this.output.write(bytes)) await waitForDrain(this.output, this.signal);
  }

  /** Flushes, ends the stream and waits until everything has reached the destination. */
  async end(inputBytesRead: number): Promise<void> {
    await this.flush(inputBytesRead);
    this.output.end();
    // Only the writing side: for a PassThrough, whoever reads it decides when its other end finishes.
    await finished(this.output, { readable: false });
  }

  /**
   * The output is unusable after a failure: destroy it so a destination (file, upload) sees a
   * premature close and cleans up. Without an error: an 'error' event nobody listens to would
   * crash the process, and the caller gets the real error from validateCsv anyway.
   */
  abandon(): void {
    if (!this.output.destroyed) this.output.destroy();
  }
}
