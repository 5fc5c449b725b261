export type { TaskContext, TaskHandler, TaskHandlers, TaskLogger, TaskResult } from './task-handler';
export { defineTask, reservedTask, type Task, type TaskDeps, type TaskSpec } from './task';
export {
  createTaskHandlers,
  createTaskRegistry,
  TASKS,
  taskHandlerFactory,
  taskSettingsFromConfig,
  type TaskHandlerFactory,
  type TaskSelection,
} from './registry';
export type { CsvJobParams } from './csv-job/csv-job-params';
export type { CsvJobDeps } from './csv-job/run-csv-job';
export { reportDataLocation, REPORT_TOP_N, type ReportCounts, type ReportData } from './generate-report/report-data';
export { parseReportDate, REPORT_FORMATS, type ReportParams } from './generate-report/report-params';
