import { DELIMITERS, type Delimiter, type Dialect, type Newline } from './dialect';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const DELIMITER_CODES = DELIMITERS.map((delimiter) => delimiter.charCodeAt(0));

/**
 * Reads the header line as text arrives (it may span chunks) and picks the delimiter that
 * occurs most often outside quotes (ties go to the earlier of , ; tab |) and the line ending.
 * Leading empty lines are skipped.
 */
export class DialectSniffer {
  private readonly counts = DELIMITERS.map(() => 0);
  private inQuotes = false;
  private seenContent = false;
  private crPending = false;
  private dialect: Dialect | null = null;
  private scanned = 0;

  constructor(private readonly forcedDelimiter: Delimiter | undefined) {}

  get scannedChars(): number {
    return this.scanned;
  }

  /** Scans more text; returns the dialect once the header line is complete. */
  feed(text: string): Dialect | null {
    if (this.dialect) return this.dialect;
    this.scanned += text.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.crPending) return this.settle(code === LF ? '\n' : '\r');
      if (!this.seenContent) {
        if (code === CR || code === LF) continue;
        this.seenContent = true;
      }
      if (code === QUOTE) {
        this.inQuotes = !this.inQuotes;
      } else if (!this.inQuotes) {
        if (code === LF) return this.settle('\n');
        if (code === CR) {
          this.crPending = true;
          continue;
        }
        const which = DELIMITER_CODES.indexOf(code);
        if (which !== -1) this.counts[which]++;
      }
    }
    return null;
  }

  /** The input ended before the header line did (a header-only file without a final newline). */
  finish(): Dialect {
    return this.dialect ?? this.settle('\n');
  }

  private settle(newline: Newline): Dialect {
    this.dialect = { delimiter: this.forcedDelimiter ?? this.mostFrequentDelimiter(), newline };
    return this.dialect;
  }

  private mostFrequentDelimiter(): Delimiter {
    let best = 0;
    for (let i = 1; i < this.counts.length; i++) if (this.counts[i] > this.counts[best]) best = i;
    return DELIMITERS[best];
  }
}
