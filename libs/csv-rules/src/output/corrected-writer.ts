import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { waitForDrain } from './wait-for-drain';

const LINE_END = '\r\n';

/**
 * Writes the corrected CSV (UTF-8, `,`, CRLF as in RFC 4180). Rows are gathered per parsed batch
 * and written in one call; when the destination is full we wait for 'drain' before reading more
 * input, so a slow destination slows the read instead of filling memory.
 */
export class CorrectedCsvWriter {
  /** Lines of the current batch; joined once per flush (cheaper than growing one string row by row). */
  private lines: string[] = [];
  private bom: boolean;

  constructor(
    private readonly output: Writable,
    private readonly signal: AbortSignal | undefined,
    withBom: boolean,
  ) {
    this.bom = withBom;
  }

  writeLine(line: string): void {
    this.lines.push(line);
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    this.lines.push('');
    const text = (this.bom ? '\ufeff' : '') + this.lines.join(LINE_END);
    this.lines = [];
    this.bom = false;
    if (!this.output.write(text, 'utf8')) await waitForDrain(this.output, this.signal);
  }

  /** Flushes, ends the stream and waits until everything has reached the destination. */
  async end(): Promise<void> {
    await this.flush();
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
