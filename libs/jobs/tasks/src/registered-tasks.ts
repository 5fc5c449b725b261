// Every task of this release, one line each. Adding a task: its folder plus one line here.
export { correctCsvTask } from './correct-csv/correct-csv.task';
export { flakyTask } from './flaky/flaky.task';
export { generateReportTask } from './generate-report/generate-report.task';
export { hogTask } from './hog/hog.task';
export { noopTask } from './noop/noop.task';
export { sleepTask } from './sleep/sleep.task';
export { spinTask } from './spin/spin.task';
export { syncConnectorTask } from './sync-connector/sync-connector.task';
export { validateCsvTask } from './validate-csv/validate-csv.task';
