import type { AppConfig } from '@validahub/config';

let insertsSoFar = 0;

/**
 * Fault-injection hook for the reliability suite: with TEST_CRASH_AFTER_INSERT=n (accepted by
 * the config only together with ENABLE_TEST_TASKS=true) the gateway dies like a killed process
 * right after the n-th create committed and before it was enqueued, the gap the reconciler
 * exists to close. A no-op in every normal configuration.
 */
export function crashIfTestHookDue(config: AppConfig, exit: (code: number) => never = process.exit): void {
  const due = config.execution.testCrashAfterInsert;
  if (due <= 0 || !config.worker.enableTestTasks) return;
  insertsSoFar += 1;
  if (insertsSoFar >= due) exit(137);
}
