// The code a sandbox thread runs (loaded by piscina in a worker thread): the task handlers,
// built once per thread from the worker's config, and one attempt at a time.
import { MessagePort, workerData } from 'node:worker_threads';
import { TaskContext, TaskHandler, TaskLogger, taskHandlerFactory, TASKS, taskSettingsFromConfig } from '@validahub/jobs-tasks';
import { JobStorageFactory } from '../processing/job-storage-scopes';
import { timedStorage } from './timed-storage';
import { classifyError } from '../processing/error-classifier';
import { ProgressThrottle } from '../processing/progress-throttle';
import { AttemptReply, AttemptRequest, HostMessage, LogLevel, PING_TASK, SandboxMessage, SandboxThreadData } from './sandbox-protocol';

const data = workerData as SandboxThreadData;
const factory = taskHandlerFactory({
  includeTestTasks: data.config.worker.enableTestTasks,
  tasks: TASKS.filter((task) => data.taskNames.includes(task.definition.name)),
});
const settings = taskSettingsFromConfig(data.config);
const storages = new JobStorageFactory(data.config.storage);

/** The handler of one attempt, over storage confined to its job's tenant (its calls timed when tracing is on). */
function handlerFor(request: AttemptRequest): TaskHandler | undefined {
  const scoped = storages.forScope(request.scope);
  const storage = request.traceStorage ? timedStorage(scoped, (call) => send(request.port, { type: 'span', call })) : scoped;
  const handlers = factory.create({ ...settings, storage, resultsUri: storage.resultsUri }) as Record<string, TaskHandler | undefined>;
  return handlers[request.task];
}

export default async function runAttempt(request: AttemptRequest): Promise<AttemptReply> {
  const { port } = request;
  const controller = new AbortController();
  port.on('message', (message: HostMessage) => {
    if (message.type === 'abort') controller.abort(message.reason);
  });
  // Coalesced here already (the main thread throttles again): a message per engine chunk would
  // cost the main thread ~5% of the CPU the attempt takes, for reports it would drop anyway.
  const progress = new ProgressThrottle(data.config.worker.progressThrottleMs, ({ percent, message }) =>
    send(port, { type: 'progress', percent, message }),
  );
  try {
    if (request.task === PING_TASK) return { ok: true, result: {} };
    const handler = handlerFor(request);
    if (!handler) throw new Error(`sandbox has no handler for task ${request.task}`);
    const ctx: TaskContext = {
      jobId: request.jobId,
      attempt: request.attempt,
      runId: request.runId,
      params: request.params,
      correlationId: request.correlationId,
      tenantId: request.tenantId,
      signal: controller.signal,
      reportProgress: (percent, message) => progress.report(percent, message),
      logger: portLogger(port),
    };
    const result = (await handler(ctx)) ?? {};
    progress.flush();
    return { ok: true, result };
  } catch (error) {
    progress.cancel();
    const classified = classifyError(error);
    const original = error instanceof Error ? error : undefined;
    return { ok: false, error: { ...classified, name: original?.name ?? 'Error', stack: original?.stack } };
  }
  // The port stays open: the main thread reads what is still queued on it, then closes it.
}

function portLogger(port: MessagePort): TaskLogger {
  const log = (level: LogLevel) => (fields: Record<string, unknown>, message?: string) => send(port, { type: 'log', level, fields, message });
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Posts to the main thread; a log field that cannot be cloned (a function, a socket) is sent as text. */
function send(port: MessagePort, message: SandboxMessage): void {
  try {
    port.postMessage(message);
  } catch {
    if (message.type === 'log') port.postMessage({ ...message, fields: { fields: safeText(message.fields) } });
  }
}

function safeText(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' || typeof v === 'function' ? String(v) : v));
  } catch {
    return String(value);
  }
}
