export { WorkerRuntime } from './runtime/worker-runtime';
export { STALL_DEFAULTS, type StallSettings, type WorkerRuntimeOptions } from './runtime/worker-settings';
export { WorkerRuntimeModule } from './nest/worker-runtime.module';
export { WorkerLifecycle } from './nest/worker-lifecycle';
export { bootstrapWorker, resolvePlans, type BootstrapWorkerOptions } from './bootstrap';
export { classifyError, TRANSIENT_SYSTEM_CODES, IO_ERROR_CODE } from './processing/error-classifier';
export { ProgressThrottle, type ProgressReport } from './processing/progress-throttle';
export { JobRun, type AbortReason, type RunOutcome } from './processing/job-run';
export { createWorkerLogger } from './runtime/logger';
