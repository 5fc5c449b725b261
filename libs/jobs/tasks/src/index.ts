export type { TaskContext, TaskHandler, TaskHandlers, TaskLogger, TaskParamsByName, TaskResult } from './task-handler';
export { buildTaskHandlers, taskHandlersFromConfig, type TaskHandlerDeps } from './build-handlers';
export { validateCsvHandler } from './validate-csv/validate-csv.handler';
export { correctCsvHandler } from './correct-csv/correct-csv.handler';
export { noopHandler } from './testing/noop.handler';
export { sleepHandler } from './testing/sleep.handler';
export { flakyHandler } from './testing/flaky.handler';
export type { CsvJobDeps } from './csv-job/run-csv-job';
