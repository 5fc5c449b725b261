import { SingleBar } from 'cli-progress';
import type { Job } from '@validahub/jobs-client';
import type { Colors } from './colors';

/**
 * Shows a job's progress on stderr: a bar on a terminal, else one line per change (so logs and
 * tests see what happened). stdout stays for results.
 */
export class JobProgress {
  private bar: SingleBar | null = null;
  private last = '';

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly colors: Colors,
  ) {}

  update(job: Job): void {
    const message = job.message ?? '';
    const progress = Math.round(Number(job.progress ?? 0));
    if (this.stream.isTTY === true) return this.draw(job.status, progress, message);
    const line = `${job.status} ${progress}%${message ? ` ${message}` : ''}`;
    if (line === this.last) return;
    this.last = line;
    this.stream.write(`${this.colors.dim('job')} ${this.colors.cyan(line)}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }

  private draw(status: string, progress: number, message: string): void {
    const payload = { status: status.padEnd(9), message: message.slice(0, 60) };
    if (!this.bar) {
      this.bar = new SingleBar({ stream: this.stream, format: '{status} [{bar}] {percentage}% {message}', hideCursor: true, clearOnComplete: false });
      this.bar.start(100, progress, payload);
      return;
    }
    this.bar.update(progress, payload);
  }
}
