import { SingleBar } from 'cli-progress';

const SHOW_AFTER_MS = 700;
const MEGABYTE = 1024 * 1024;

/**
 * A progress bar on stderr for runs that take more than a moment: it appears only after
 * SHOW_AFTER_MS, only on a terminal, and is cleared when done, so short runs, pipes and CI logs
 * see nothing of it.
 */
export class DelayedProgressBar {
  private bar: SingleBar | null = null;
  private readonly startedAt = Date.now();
  private readonly enabled: boolean;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly totalBytes: number,
    wanted: boolean,
  ) {
    this.enabled = wanted && stream.isTTY === true && totalBytes > 0;
  }

  update(bytesRead: number, rowsRead: number): void {
    if (!this.enabled) return;
    const payload = {
      rows: rowsRead.toLocaleString('en-US'),
      read: (bytesRead / MEGABYTE).toFixed(1),
      size: (this.totalBytes / MEGABYTE).toFixed(1),
    };
    if (!this.bar) {
      if (Date.now() - this.startedAt < SHOW_AFTER_MS) return;
      this.bar = new SingleBar({
        stream: this.stream,
        format: 'validating [{bar}] {percentage}% | {rows} rows | {read}/{size} MB | eta {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
      });
      this.bar.start(this.totalBytes, bytesRead, payload);
      return;
    }
    this.bar.update(bytesRead, payload);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
