import type { ServerResponse } from 'node:http';
import { isTerminal } from '@validahub/jobs-domain';
import type { JobView } from '../jobs/job-views';
import type { JobLiveBus, LiveNotice } from './job-live-bus';
import type { JobTransitions, TransitionRow } from './job-transitions';
import { progressEventId, statusEventId, StreamPosition } from './stream-event-id';
import type { StreamSettings } from './stream-settings';

export interface SessionDeps {
  jobId: string;
  /** The job as GET shows it (tenant-checked). */
  loadJob(): Promise<JobView>;
  transitions: JobTransitions;
  bus: JobLiveBus;
  settings: StreamSettings;
}

/**
 * One client's stream of one job. Status events come from the audit trail in Postgres (so a
 * resumed stream gets exactly the transitions it missed, whichever replica wrote them); progress
 * events from the live bus, coalesced. Notices and a timer only say "look again".
 */
export class JobStreamSession {
  private auditId = 0;
  private progressCentis: number | null = null;
  private message: string | null = null;
  private closed = false;
  private work: Promise<void> = Promise.resolve();
  private pendingProgress: { progress: number; message: string | null } | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private lastProgressAt = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private unlisten: () => void = () => undefined;

  constructor(
    private readonly raw: ServerResponse,
    private readonly deps: SessionDeps,
  ) {}

  /** Sends the opening events (the job, or what a resumed client missed), then follows the job. */
  async start(job: JobView, latestAuditId: number, resumeFrom: StreamPosition | null): Promise<void> {
    this.raw.on('close', () => this.close());
    this.unlisten = this.deps.bus.listen(this.deps.jobId, (notice) => this.onNotice(notice));
    this.message = job.message;
    this.write(`retry: ${this.deps.settings.retryMs}\n\n`);
    if (!resumeFrom) {
      this.auditId = latestAuditId;
      this.sendStatus(job, latestAuditId);
    } else {
      this.auditId = resumeFrom.auditId;
      this.progressCentis = resumeFrom.progressCentis;
      await this.serial(() => this.catchUp());
      if (!this.closed && job.status === 'running' && Math.round(job.progress * 100) !== this.progressCentis) {
        this.sendProgress(job.progress, job.message);
      }
    }
    if (this.closed) return;
    this.timers.push(setInterval(() => this.write(': keep-alive\n\n'), this.deps.settings.heartbeatMs));
    this.timers.push(setInterval(() => void this.serial(() => this.catchUp()), this.deps.settings.pollMs));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unlisten();
    for (const timer of this.timers) clearInterval(timer);
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (!this.raw.writableEnded) this.raw.end();
  }

  private onNotice(notice: LiveNotice): void {
    if (this.closed) return;
    if (notice.kind === 'transition') {
      void this.serial(() => this.catchUp());
      return;
    }
    this.pendingProgress = { progress: notice.progress, message: notice.message };
    if (this.progressTimer) return;
    const wait = Math.max(0, this.lastProgressAt + this.deps.settings.progressIntervalMs - Date.now());
    this.progressTimer = setTimeout(() => {
      this.progressTimer = null;
      const pending = this.pendingProgress;
      this.pendingProgress = null;
      // Behind any catch-up in progress, so a transition is never overtaken by a later progress.
      if (pending) void this.serial(async () => (this.closed ? undefined : this.sendProgress(pending.progress, pending.message ?? this.message)));
    }, wait);
  }

  /** Status events for every transition after the last one sent; closes after a terminal one. */
  private async catchUp(): Promise<void> {
    if (this.closed) return;
    const rows = await this.deps.transitions.after(this.deps.jobId, this.auditId);
    if (!rows.length || this.closed) return;
    const job = await this.deps.loadJob();
    for (const row of rows) {
      if (this.closed) return;
      this.sendStatus(atTransition(job, row), row.id);
    }
  }

  private sendStatus(job: JobView, auditId: number): void {
    this.auditId = auditId;
    this.message = job.message;
    this.event('status', statusEventId(auditId), job);
    if (isTerminal(job.status)) this.close();
  }

  private sendProgress(progress: number, message: string | null): void {
    const centis = Math.round(progress * 100);
    this.lastProgressAt = Date.now();
    this.progressCentis = centis;
    this.message = message;
    this.event('progress', progressEventId(this.auditId, progress), { progress, message });
  }

  private event(name: string, id: string, data: unknown): void {
    this.write(`id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(text: string): void {
    if (!this.closed && !this.raw.writableEnded) this.raw.write(text);
  }

  /** Catch-ups run one at a time, so events keep their order. */
  private serial(task: () => Promise<void>): Promise<void> {
    this.work = this.work.then(task).catch(() => undefined);
    return this.work;
  }
}

/** The job as it was at one transition: its status, attempt, progress and message from the audit row. */
function atTransition(job: JobView, row: TransitionRow): JobView {
  return { ...job, status: row.toStatus, attempts: row.attempt, progress: row.progress ?? job.progress, message: row.message };
}
