import { randomBytes } from 'node:crypto';
import { DelayedError, Job, UnrecoverableError, WaitingError } from 'bullmq';
import type { Logger } from 'pino';
import { context, contextFromTraceparent, currentTraceparent, SpanKind, withSpan } from '@validahub/observability';
import { ANONYMOUS_TENANT_ID, attemptNumber, isUuid, JobError, JobEvent, JOB_ERROR_CODES, JobPayload, payloadProblems } from '@validahub/jobs-domain';
import type { SlotLease } from '@validahub/jobs-queueing';
import type { TaskResult } from '@validahub/jobs-tasks';
import { ActiveRuns } from './active-runs';
import { ArrivalSignal } from './arrival-signal';
import { classifyError } from './error-classifier';
import { JobRun, RunOutcome } from './job-run';
import { keepLock } from './lock-keeper';
import { ProgressThrottle } from './progress-throttle';
import { RetryDelays } from './retry-delays';
import { RunnableTask, TaskHandlerLookup } from './task-handler-lookup';

export interface EventSink {
  publish(event: JobEvent): Promise<unknown>;
}

/** The parts of a BullMQ job the processor reads or moves. */
export type QueueJob = Pick<Job, 'id' | 'data' | 'attemptsMade' | 'opts' | 'queueName' | 'moveToWait' | 'moveToDelayed' | 'extendLock'>;

/**
 * The tenants' "running at once" slots shared by every worker of a tier (jobs-queueing
 * TenantSlots), on the connection the EventSink writes on: a slot is given back in the same
 * write as the attempt's last event, and after it.
 */
export interface RunningSlots {
  take(plan: JobPayload['plan'], tenantId: string, runId: string, limit: number): Promise<SlotLease | undefined>;
}

/** A running slot this attempt holds, given back with the attempt's last event (see JobProcessor.publish). */
interface HeldSlot {
  lease: SlotLease;
  logger: Logger;
}

const SLOT_NOT_GIVEN_BACK = 'could not give the running slot back; it expires on its own';

/** What a worker does with a job whose tenant already runs its limit: see JobProcessor.defer. */
export interface DeferSettings {
  /** How long the job waits in the delayed set before it competes again (jitter added, up to half again). */
  delayMs: number;
  /**
   * How long the slot that deferred it waits before fetching the next job, so a busy tenant's
   * backlog is not spun through; a new job on the queue ends the wait early (ArrivalSignal).
   */
  pauseMs: number;
}

export interface JobProcessorDeps {
  tasks: TaskHandlerLookup;
  events: EventSink;
  activeRuns: ActiveRuns;
  retryDelays: RetryDelays;
  logger: Logger;
  workerName: string;
  progressThrottleMs: number;
  abortGraceMs: number;
  /** BullMQ's lockDuration, for the one case the processor renews a lock itself (see keepLock). */
  lockDurationMs: number;
  /** Absent: payloads' running limits are not enforced (unit tests of everything else). */
  slots?: RunningSlots;
  defer?: DeferSettings;
  /** Where a slot that deferred a job waits; absent: one nothing wakes, so it sleeps out its pause. */
  arrivals?: ArrivalSignal;
}

const DEFAULT_DEFER: DeferSettings = { delayMs: 500, pauseMs: 100 };

/** What the processor returns to BullMQ for jobs it completes. */
export type ProcessResult = { outcome: 'succeeded'; result: TaskResult } | { outcome: 'expired' };

/**
 * What every plan's queue processor does with a job: check the payload (Redis data is
 * untrusted), pick the handler, run one attempt and report its lifecycle. Every way an attempt can end maps to exactly one terminal
 * event and a BullMQ move that matches it (complete, retry, fail without retry, hand back).
 */
export class JobProcessor {
  private readonly arrivals: ArrivalSignal;

  constructor(private readonly deps: JobProcessorDeps) {
    this.arrivals = deps.arrivals ?? new ArrivalSignal();
  }

  /** Called by each plan's queue processor; `token` is the BullMQ lock token, needed to hand a job back. */
  readonly process = (job: QueueJob, token?: string): Promise<ProcessResult> => this.run(job, token);

  private async run(job: QueueJob, token: string | undefined): Promise<ProcessResult> {
    const problems = payloadProblems(job.data);
    if (problems.length) return this.rejectPayload(job, problems);
    const payload = job.data as JobPayload;
    // With tracing on, everything below continues the trace the gateway enqueued the job in.
    return context.with(contextFromTraceparent(payload.traceparent), () => this.runPayload(job, token, payload));
  }

  private async runPayload(job: QueueJob, token: string | undefined, payload: JobPayload): Promise<ProcessResult> {
    const attempt = attemptNumber(payload, job.attemptsMade);
    // Names this run's result objects: a stalled job run again keeps its attempt number, not its run id.
    const runId = randomBytes(6).toString('hex');
    // Attempts this BullMQ job may still make, counted in the job's own numbering.
    const lastAttempt = (payload.attemptBase ?? 0) + (job.opts.attempts ?? 1);
    const logger = this.deps.logger.child({
      jobId: payload.jobId,
      task: payload.task,
      attempt,
      correlationId: payload.correlationId,
      queue: job.queueName,
      runId,
    });
    const at = () => new Date().toISOString();

    if (payload.expiresAt && Date.parse(payload.expiresAt) <= Date.now()) {
      logger.info({ expiresAt: payload.expiresAt }, 'job expired before it started; not running it');
      await this.publish({ type: 'expired', jobId: payload.jobId, attempt: attempt - 1, at: at() });
      return { outcome: 'expired' };
    }
    const earlyCancel = this.deps.activeRuns.takeEarlyCancel(payload.jobId);
    if (earlyCancel !== null) {
      logger.info({ reason: earlyCancel }, 'job was cancelled before it started');
      await this.publish({ type: 'cancelled', jobId: payload.jobId, attempt: attempt - 1, at: at(), reason: earlyCancel });
      throw new UnrecoverableError(`cancelled: ${earlyCancel}`);
    }

    const found = this.deps.tasks.find(payload);
    if (!found.ok) return this.failWithoutRunning(payload, attempt, found.error, logger);

    // The tenant's "running at once" slot, held until the attempt's last event is out, so its
    // finish always comes before the start of the attempt that takes the slot next.
    let lease: SlotLease | undefined;
    if (payload.runningLimit !== undefined && this.deps.slots) {
      lease = await this.deps.slots.take(payload.plan, payload.tenantId ?? ANONYMOUS_TENANT_ID, runId, payload.runningLimit).catch((error) => {
        // Unsure whether a slot is free: wait rather than risk running over the limit.
        logger.warn({ err: error }, 'could not reach the running slots; job deferred');
        return undefined;
      });
      if (!lease) return this.defer(job, token, payload, logger);
    }
    try {
      return await this.attemptSpan(payload, attempt, job.queueName, () =>
        this.runAttempt({ job, token, payload, attempt, lastAttempt, runId, found, logger, slot: lease && { lease, logger } }),
      );
    } finally {
      // Given back already with the last event, unless the attempt ended without one (hand-back, lock lost, a throw).
      await lease?.release().catch((error) => logger.warn({ err: error }, SLOT_NOT_GIVEN_BACK));
    }
  }

  /**
   * The `job.attempt` span (tracing on): the attempt's events carry its `traceparent`, and the
   * storage calls its sandbox thread makes are recorded as its children (see ThreadSandbox).
   */
  private attemptSpan<T>(payload: JobPayload, attempt: number, queue: string, run: () => Promise<T>): Promise<T> {
    const attributes = {
      'job.id': payload.jobId,
      'job.task': payload.task,
      'job.plan': payload.plan,
      'job.attempt': attempt,
      'job.queue': queue,
      'validahub.correlation_id': payload.correlationId,
      ...(payload.tenantId ? { 'validahub.tenant_id': payload.tenantId } : {}),
    };
    return withSpan('job.attempt', { kind: SpanKind.CONSUMER, attributes }, run);
  }

  /**
   * Publishes an event carrying the active span's `traceparent`, when tracing is on and there
   * is one. With `freeing`, the event is the attempt's last and the slot goes back in the same
   * socket write, after it: the tenant's next attempt cannot start before this one's end is in
   * the stream, at one write per attempt fewer.
   */
  private publish(event: JobEvent, freeing?: HeldSlot): Promise<unknown> {
    const traceparent = currentTraceparent();
    const traced = traceparent ? { ...event, traceparent } : event;
    if (!freeing) return this.deps.events.publish(traced);
    const { written, released } = freeing.lease.releaseAfter(() => this.deps.events.publish(traced));
    released.catch((error) => freeing.logger.warn({ err: error }, SLOT_NOT_GIVEN_BACK));
    return written;
  }

  private async runAttempt(a: {
    job: QueueJob;
    token?: string;
    payload: JobPayload;
    attempt: number;
    lastAttempt: number;
    runId: string;
    found: Extract<RunnableTask, { ok: true }>;
    logger: Logger;
    slot?: HeldSlot;
  }): Promise<ProcessResult> {
    const { job, token, payload, attempt, lastAttempt, runId, found, logger, slot } = a;
    const at = () => new Date().toISOString();
    const progress = new ProgressThrottle(this.deps.progressThrottleMs, (report) => {
      this.publish({ type: 'progress', jobId: payload.jobId, attempt, at: at(), progress: report.percent, message: report.message }).catch((error) =>
        logger.warn({ err: error }, 'could not publish progress'),
      );
    });
    // Registered before `started` is published, so a cancel sent as soon as the job shows as running finds it.
    const run = new JobRun({ timeLimitMs: payload.timeLimitSeconds * 1_000, abortGraceMs: this.deps.abortGraceMs });
    const replacedOlderRun = this.deps.activeRuns.add(payload.jobId, run);
    const stopKeepingLock =
      replacedOlderRun && token ? keepLock(job, token, this.deps.lockDurationMs, () => run.abort('lock_lost')) : () => undefined;
    const startedAt = at();
    let outcome: RunOutcome;
    try {
      await this.publish({ type: 'started', jobId: payload.jobId, attempt, at: startedAt, worker: this.deps.workerName });
      logger.info({ maxAttempts: lastAttempt, timeLimitSeconds: payload.timeLimitSeconds }, 'attempt started');
      const execution = this.deps.tasks.executor.prepare({ name: found.task, plan: payload.plan, scope: found.scope });
      outcome = await run.execute(execution, {
        jobId: payload.jobId,
        attempt,
        runId,
        params: found.params,
        correlationId: payload.correlationId,
        tenantId: payload.tenantId,
        reportProgress: (percent, message) => progress.report(percent, message),
        logger,
      });
    } finally {
      stopKeepingLock();
      this.deps.activeRuns.remove(payload.jobId, run);
    }
    if (outcome.kind === 'succeeded') progress.flush();
    else progress.cancel();
    return this.conclude({ job, token, payload, attempt, lastAttempt, startedAt, outcome, logger, slot });
  }

  /**
   * The tenant already runs its limit in this tier (on any worker): the job goes back to the
   * queue as a delayed job, with no event and no attempt counted (BullMQ's moveToDelayed skips
   * the attempt), and comes back at its fair-share priority once the delay is over. This slot
   * then pauses briefly before fetching again, so idle slots do not spin through a busy
   * tenant's whole backlog while its own slots are full; a job arriving on the queue (perhaps
   * another tenant's) ends the pause.
   */
  private async defer(job: QueueJob, token: string | undefined, payload: JobPayload, logger: Logger): Promise<never> {
    const { delayMs, pauseMs } = this.deps.defer ?? DEFAULT_DEFER;
    try {
      await job.moveToDelayed(Date.now() + delayMs + Math.floor(Math.random() * (delayMs / 2)), token);
      logger.debug({ runningLimit: payload.runningLimit }, 'tenant runs its limit in this tier: job deferred');
    } catch (error) {
      // Lock gone or Redis unreachable: the job is not ours to move; stalled-job recovery returns it.
      logger.warn({ err: error }, 'could not defer the job; stalled-job recovery will return it');
    }
    await this.arrivals.park(payload.plan, pauseMs);
    throw new DelayedError();
  }

  private async conclude(a: {
    job: QueueJob;
    token?: string;
    payload: JobPayload;
    attempt: number;
    lastAttempt: number;
    startedAt: string;
    outcome: RunOutcome;
    logger: Logger;
    slot?: HeldSlot;
  }): Promise<ProcessResult> {
    const { job, payload, attempt, lastAttempt: maxAttempts, startedAt, outcome, logger, slot } = a;
    const base = { jobId: payload.jobId, attempt, at: new Date().toISOString(), startedAt };
    switch (outcome.kind) {
      case 'succeeded': {
        const { resultRef = null, summary = null } = outcome.result;
        await this.publish({ type: 'succeeded', ...base, resultRef, summary }, slot);
        logger.info({ resultRef, durationMs: Date.now() - Date.parse(startedAt) }, 'attempt succeeded');
        return { outcome: 'succeeded', result: outcome.result };
      }
      case 'aborted':
        if (outcome.abandoned) logger.warn({ reason: outcome.reason }, 'handler ignored its abort signal; no longer waiting for it');
        if (outcome.reason === 'shutdown') return this.handBack(job, a.token, logger);
        if (outcome.reason === 'lock_lost') return this.letGo(logger);
        if (outcome.reason === 'cancelled') {
          await this.publish({ type: 'cancelled', ...base, reason: outcome.detail ?? 'cancelled' }, slot);
          logger.info({ reason: outcome.detail }, 'attempt cancelled');
          throw new UnrecoverableError(`cancelled: ${outcome.detail ?? 'cancelled'}`);
        }
        return this.fail(
          base,
          { code: JOB_ERROR_CODES.timeLimit, message: `time limit of ${payload.timeLimitSeconds}s exceeded`, retryable: false },
          logger,
          { slot },
        );
      case 'threw': {
        const error = classifyError(outcome.error);
        if (!error.retryable) return this.fail(base, error, logger, { cause: outcome.error, slot });
        if (attempt >= maxAttempts)
          return this.fail(base, { ...error, message: `${error.message} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})` }, logger, {
            cause: outcome.error,
            slot,
          });
        const delay = this.deps.retryDelays.plan(payload.jobId, attempt);
        const nextAttemptAt = new Date(Date.now() + delay).toISOString();
        await this.publish({ type: 'retrying', ...base, error, nextAttemptAt }, slot);
        logger.warn({ error, nextAttemptAt, maxAttempts, err: outcome.error }, 'attempt failed; will retry');
        // A plain error lets BullMQ retry; its backoff strategy returns the delay planned above.
        throw new Error(`${error.code}: ${error.message}`);
      }
    }
  }

  private async fail(
    base: { jobId: string; attempt: number; at: string; startedAt?: string },
    error: JobError,
    logger: Logger,
    { cause, slot }: { cause?: unknown; slot?: HeldSlot } = {},
  ): Promise<never> {
    await this.publish({ type: 'failed', ...base, error }, slot);
    logger.error({ error, err: cause }, 'job failed');
    throw new UnrecoverableError(`${error.code}: ${error.message}`);
  }

  /** Shutdown: no terminal event; the job goes back to its queue for another worker. */
  private async handBack(job: QueueJob, token: string | undefined, logger: Logger): Promise<never> {
    try {
      await job.moveToWait(token);
      logger.info('worker stopping: job handed back to its queue');
    } catch (error) {
      // Lock gone or Redis unreachable: stalled-job recovery returns it once the lock expires.
      logger.warn({ err: error }, 'worker stopping: could not hand the job back; stalled-job recovery will');
    }
    throw new WaitingError();
  }

  /**
   * The job's lock was lost (Redis unreachable past the lock duration, or the job was taken
   * away): another worker may be running it already, so this run reports nothing and leaves
   * the job alone. Whatever it stored stays under its own run's keys, which nothing points at.
   */
  private letGo(logger: Logger): never {
    logger.warn("lost the job lock: attempt aborted; the job is no longer this worker's");
    throw new WaitingError();
  }

  private async failWithoutRunning(payload: JobPayload, attempt: number, error: JobError, logger: Logger): Promise<never> {
    return this.fail({ jobId: payload.jobId, attempt, at: new Date().toISOString() }, error, logger);
  }

  /** A payload we cannot trust is failed (never run, never retried); the worker carries on. */
  private async rejectPayload(job: QueueJob, problems: string[]): Promise<never> {
    const jobId = isUuid((job.data as { jobId?: unknown } | null)?.jobId) ? (job.data as { jobId: string }).jobId : job.id;
    const error: JobError = { code: 'invalid_payload', message: `job payload rejected: ${problems.join('; ')}`, retryable: false };
    this.deps.logger.error({ jobId, bullJobId: job.id, queue: job.queueName, problems }, 'invalid job payload');
    if (isUuid(jobId)) await this.publish({ type: 'failed', jobId, attempt: job.attemptsMade + 1, at: new Date().toISOString(), error });
    throw new UnrecoverableError(error.message);
  }
}
