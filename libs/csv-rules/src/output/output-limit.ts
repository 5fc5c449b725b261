import { OutputLimitExceededError } from '../errors';

const SLACK_BYTES = 64 * 1024 * 1024;

/**
 * How large the corrected CSV may grow: `maxCorrectedBytes` when given, else
 * max(2 × input, input + 64 MiB). The input size is `totalBytes` when known, else the bytes read
 * so far (the output so far only ever comes from those), so a small file that pads out to
 * something huge is stopped early whether or not its size was given.
 */
export class OutputLimit {
  constructor(
    private readonly fixedBytes: number | null,
    private readonly totalInputBytes: number | null,
  ) {}

  bytesFor(inputBytesRead: number): number {
    if (this.fixedBytes !== null) return this.fixedBytes;
    const input = this.totalInputBytes ?? inputBytesRead;
    return Math.max(2 * input, input + SLACK_BYTES);
  }

  /** Throws when writing `nextBytes` more after `writtenBytes` would pass the limit. */
  check(writtenBytes: number, nextBytes: number, inputBytesRead: number): void {
    const limit = this.bytesFor(inputBytesRead);
    if (writtenBytes + nextBytes <= limit) return;
    throw new OutputLimitExceededError(limit, inputBytesRead, this.fixedBytes === null);
  }
}
