import { CsvJobParams } from '@validahub/jobs-domain';
import { TaskHandler } from '../task-handler';
import { CsvJobDeps, csvTaskResult, runCsvJob } from '../csv-job/run-csv-job';

/** correct_csv_job: auto-fix is implied; result_ref is the corrected CSV, the report's URI is in the summary. */
export function correctCsvHandler(deps: CsvJobDeps): TaskHandler<CsvJobParams> {
  return async (ctx) => csvTaskResult(await runCsvJob(ctx, deps, true), 'corrected');
}
