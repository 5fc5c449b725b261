import { defineTask } from '../task';
import { TaskHandler } from '../task-handler';
import { CsvJobParams, csvJobParams } from '../csv-job/csv-job-params';
import { CsvJobDeps, csvJobDeps, csvTaskResult, runCsvJob } from '../csv-job/run-csv-job';

/** Auto-fix is implied; result_ref is the corrected CSV, the report's URI is in the summary. */
export function correctCsvHandler(deps: CsvJobDeps): TaskHandler<CsvJobParams> {
  return async (ctx) => csvTaskResult(await runCsvJob(ctx, deps, true), 'corrected');
}

export const correctCsvTask = defineTask({
  name: 'correct_csv_job',
  description: 'Validate and auto-fix a CSV; the result is the corrected CSV plus its report.',
  params: csvJobParams(true),
  handler: (deps) => correctCsvHandler(csvJobDeps(deps)),
});
