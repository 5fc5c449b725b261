import type { AppConfig } from '@validahub/config';
import { TASK_NAMES } from '@validahub/jobs-domain';
import { createStorageFromConfig, ObjectStorage, resultLocation } from '@validahub/storage';
import { correctCsvHandler } from './correct-csv/correct-csv.handler';
import { CsvJobDeps } from './csv-job/run-csv-job';
import { TaskHandlers } from './task-handler';
import { flakyHandler } from './testing/flaky.handler';
import { noopHandler } from './testing/noop.handler';
import { sleepHandler } from './testing/sleep.handler';
import { validateCsvHandler } from './validate-csv/validate-csv.handler';

export interface TaskHandlerDeps {
  storage: ObjectStorage;
  resultsUri: string;
  /** Register noop/sleep/flaky (benchmarks and fault-injection tests only). */
  includeTestTasks: boolean;
  maxIssues?: number;
}

/** Every handler this release ships; the runtime checks the set against the task registry at start-up. */
export function buildTaskHandlers(deps: TaskHandlerDeps): TaskHandlers {
  const csvDeps: CsvJobDeps = { storage: deps.storage, resultsUri: deps.resultsUri, maxIssues: deps.maxIssues, resultLocation };
  const handlers: TaskHandlers = {
    [TASK_NAMES.validateCsv]: validateCsvHandler(csvDeps),
    [TASK_NAMES.correctCsv]: correctCsvHandler(csvDeps),
  };
  if (deps.includeTestTasks) {
    handlers[TASK_NAMES.noop] = noopHandler;
    handlers[TASK_NAMES.sleep] = sleepHandler;
    handlers[TASK_NAMES.flaky] = flakyHandler;
  }
  return handlers;
}

/** The handlers of a worker process, wired from validated configuration. */
export function taskHandlersFromConfig(config: AppConfig): TaskHandlers {
  return buildTaskHandlers({
    storage: createStorageFromConfig(config.storage),
    resultsUri: config.storage.resultsUri,
    includeTestTasks: config.worker.enableTestTasks,
  });
}
