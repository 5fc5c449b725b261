export interface ProgressReport {
  percent: number;
  message?: string;
}

/**
 * At most one report per interval: the first goes out at once, later ones within the interval
 * replace each other and the latest goes out when the interval ends, so the last report is
 * never lost. `flush` sends a waiting report now (before a success), `cancel` drops it.
 */
export class ProgressThrottle {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pending: ProgressReport | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (report: ProgressReport) => void,
    private readonly now: () => number = Date.now,
  ) {}

  report(percent: number, message?: string): void {
    if (this.closed || !Number.isFinite(percent)) return;
    const report = { percent: Math.min(100, Math.max(0, percent)), message };
    const wait = this.lastSentAt + this.intervalMs - this.now();
    if (wait <= 0 && !this.timer) return this.emit(report);
    this.pending = report;
    if (!this.timer) this.timer = setTimeout(() => this.emitPending(), Math.max(0, wait));
  }

  flush(): void {
    this.emitPending();
    this.close();
  }

  cancel(): void {
    this.pending = null;
    this.close();
  }

  private emitPending(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const report = this.pending;
    this.pending = null;
    if (report && !this.closed) this.emit(report);
  }

  private emit(report: ProgressReport): void {
    this.lastSentAt = this.now();
    this.send(report);
  }

  private close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.closed = true;
  }
}
