import { CsvJobParams } from '@validahub/jobs-domain';
import { TaskHandler } from '../task-handler';
import { CsvJobDeps, csvTaskResult, runCsvJob } from '../csv-job/run-csv-job';

/** validate_csv_job: result_ref is the report JSON (with auto_fix the corrected CSV is stored next to it). */
export function validateCsvHandler(deps: CsvJobDeps): TaskHandler<CsvJobParams> {
  return async (ctx) => csvTaskResult(await runCsvJob(ctx, deps, ctx.params.auto_fix), 'report');
}
