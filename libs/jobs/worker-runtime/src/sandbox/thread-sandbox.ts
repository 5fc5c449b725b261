import { MessageChannel, MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { AppConfig, taskMemoryMb } from '@validahub/config';
import { context, recordTimedSpan, tracingStarted } from '@validahub/observability';
import { JOB_ERROR_CODES, PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import type { TaskContext, TaskResult } from '@validahub/jobs-tasks';
import { openScope } from '@validahub/storage';
import type { AttemptExecution, AttemptTask, TaskExecutor } from '../processing/task-executor';
import { sandboxThreadFile } from './compiled-sources';
import { AttemptReply, AttemptRequest, HostMessage, PING_TASK, SandboxError, SandboxMessage, SandboxThreadData } from './sandbox-protocol';

/**
 * Young-generation cap of a sandbox thread, in MiB. Left to V8, each thread's young generation
 * grows as far as the main thread's, once per thread: an enterprise worker running five 1M-row
 * CSV jobs peaked at ~690 MB of RSS, with this cap at ~590 MB, for no measurable CPU (at 8 MiB
 * scavenges cost ~25% more CPU). See bench/sandbox.
 */
const YOUNG_GENERATION_MB = 16;

export interface ThreadSandboxOptions {
  config: AppConfig;
  /** The tasks the threads build handlers for. */
  taskNames: string[];
  /** Attempts this process runs at once (the sum of its plans' concurrency): the most threads a pool needs. */
  maxThreads: number;
  /** Plans served, so the pools of their default heap caps are proven at start-up (a ping in a thread of each). */
  plans: readonly string[];
  logger: Logger;
  /** Threads each pool keeps started while idle (default 0: an idle worker holds no thread). */
  warmThreads?: number;
  /** Idle threads above the warm ones end after this long (default 60 s). */
  idleTimeoutMs?: number;
}

/**
 * Runs each attempt in a worker thread of a piscina pool, one attempt per thread at a time:
 * - memory: the thread's V8 heap is capped (`resourceLimits`) at the task's TASK_MEMORY_MB; a
 *   thread past it is terminated by Node and the attempt fails `resource_limit_exceeded`. One
 *   pool per cap, since a pool's threads share their limits;
 * - time: `kill()` terminates the thread, which stops even a loop that never yields; the
 *   runtime calls it when an aborted attempt outlives its grace (time limit, cancel, shutdown);
 * - the worker's own thread only relays messages, so BullMQ lock renewals, cancels and other
 *   attempts carry on whatever an attempt does.
 * Progress, logs and the abort travel on a MessagePort per attempt.
 */
export class ThreadSandbox implements TaskExecutor {
  private readonly pools = new Map<number, Piscina<AttemptRequest, AttemptReply>>();
  private threadFile?: string;

  constructor(private readonly options: ThreadSandboxOptions) {}

  get taskNames(): string[] {
    return [...this.options.taskNames];
  }

  /**
   * Compiles the thread's code if needed and runs a ping in a thread of each plan's default pool,
   * proving the task code loads before any job is taken. Without warm threads those pools are
   * then closed, so an idle worker holds no thread (each costs ~35 MB of RSS: its own isolate,
   * modules and heap); the first attempt starts its pool again.
   */
  async start(): Promise<void> {
    const startedAt = Date.now();
    this.threadFile = sandboxThreadFile();
    const caps = [...new Set(this.options.plans.map((plan) => taskMemoryMb(this.options.config.taskLimits, plan, PING_TASK)))];
    await Promise.all(caps.map((cap) => this.ping(cap)));
    if (this.warmThreads === 0) await this.close();
    this.options.logger.info(
      { heapCapsMb: caps, ms: Date.now() - startedAt, maxThreads: this.options.maxThreads, warmThreads: this.warmThreads },
      'task sandbox ready',
    );
  }

  /** Threads started now, across every pool (idle ones included). */
  get threadCount(): number {
    return [...this.pools.values()].reduce((sum, pool) => sum + pool.threads.length, 0);
  }

  private get warmThreads(): number {
    return Math.min(this.options.warmThreads ?? 0, Math.max(1, this.options.maxThreads));
  }

  prepare(task: AttemptTask): AttemptExecution {
    const memoryMb = taskMemoryMb(this.options.config.taskLimits, task.plan, task.name);
    const killer = new AbortController();
    return {
      run: (ctx) => this.run(memoryMb, task, ctx, killer.signal),
      kill: () => killer.abort('killed by the worker runtime'),
    };
  }

  /** Ends every thread; a later attempt starts its pool again. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }

  private async ping(memoryMb: number): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    try {
      const reply = await this.pool(memoryMb).run(this.request(PING_TASK, port2), { transferList: [port2] });
      if (!reply.ok) throw new Error(`task sandbox failed its start-up ping: ${reply.error.message}`);
    } catch (error) {
      throw new Error(`task sandbox could not start (heap cap ${memoryMb} MiB): ${String(error)}`, { cause: error });
    } finally {
      port1.close();
    }
  }

  private async run(memoryMb: number, task: AttemptTask, ctx: TaskContext, kill: AbortSignal): Promise<TaskResult> {
    const { port1, port2 } = new MessageChannel();
    // The attempt's span (tracing on): the storage calls the thread reports become its children,
    // and the lines it logs carry its trace id.
    const attemptContext = context.active();
    const relayed = (message: SandboxMessage) => context.with(attemptContext, () => relay(message, ctx));
    port1.on('message', relayed);
    const abort = () => port1.postMessage({ type: 'abort', reason: String(ctx.signal.reason) } satisfies HostMessage);
    if (ctx.signal.aborted) abort();
    else ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      const request = {
        ...this.request(task.name, port2),
        scope: task.scope,
        tenantId: ctx.tenantId,
        jobId: ctx.jobId,
        attempt: ctx.attempt,
        runId: ctx.runId,
        params: ctx.params,
        correlationId: ctx.correlationId,
        traceStorage: tracingStarted(),
      };
      const reply = await this.pool(memoryMb).run(request, { transferList: [port2], signal: kill });
      if (reply.ok) return reply.result;
      throw rebuildError(reply.error);
    } catch (error) {
      throw sandboxFailure(error, memoryMb);
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      // Progress and logs sent just before the reply may still be queued: hand them on in order.
      for (let queued = receiveMessageOnPort(port1); queued; queued = receiveMessageOnPort(port1)) relayed(queued.message as SandboxMessage);
      port1.close();
    }
  }

  private request(task: string, port: MessagePort): AttemptRequest {
    return { task, jobId: '', attempt: 0, runId: '', params: null, correlationId: '', scope: openScope(), port };
  }

  private pool(memoryMb: number): Piscina<AttemptRequest, AttemptReply> {
    let pool = this.pools.get(memoryMb);
    if (!pool) {
      if (!this.threadFile) throw new Error('task sandbox used before start()');
      const workerData: SandboxThreadData = { config: this.options.config, taskNames: this.options.taskNames };
      pool = new Piscina<AttemptRequest, AttemptReply>({
        filename: this.threadFile,
        workerData,
        minThreads: this.warmThreads,
        maxThreads: Math.max(1, this.options.maxThreads),
        concurrentTasksPerWorker: 1,
        idleTimeout: this.options.idleTimeoutMs ?? 60_000,
        // Idle threads wait on their port, not in Atomics.wait, so timers a handler left behind still run.
        atomics: 'disabled',
        resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
        // The threads load plain JavaScript: never the TypeScript loader the main thread may carry.
        execArgv: [],
      });
      pool.on('error', (error) => this.options.logger.error({ err: error, heapCapMb: memoryMb }, 'task sandbox pool error'));
      this.pools.set(memoryMb, pool);
    }
    return pool;
  }
}

function relay(message: SandboxMessage, ctx: TaskContext): void {
  if (message.type === 'progress') ctx.reportProgress(message.percent, message.message);
  else if (message.type === 'span') recordTimedSpan(message.call, context.active());
  else ctx.logger[message.level](message.fields, message.message);
}

/** The handler's error as the thread classified it: the same class, code and retry rule, with its stack. */
function rebuildError(error: SandboxError): Error {
  const rebuilt = error.retryable ? new TransientJobError(error.code, error.message) : new PermanentJobError(error.code, error.message);
  rebuilt.stack = error.stack ?? rebuilt.stack;
  return rebuilt;
}

/** Failures of the thread itself: out of memory is a resource limit; a crash is the handler's fault. */
function sandboxFailure(error: unknown, memoryMb: number): unknown {
  if (error instanceof PermanentJobError || error instanceof TransientJobError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new PermanentJobError(JOB_ERROR_CODES.resourceLimit, `the attempt used more than its memory limit of ${memoryMb} MiB (JavaScript heap)`, {
      cause: error,
    });
  }
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return error;
  return new PermanentJobError(JOB_ERROR_CODES.handlerError, `the task's sandbox thread failed: ${String((error as Error)?.message ?? error)}`, {
    cause: error,
  });
}
