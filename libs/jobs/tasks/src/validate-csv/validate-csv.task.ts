import { defineTask } from '../task';
import { TaskHandler } from '../task-handler';
import { CsvJobParams, csvJobParams } from '../csv-job/csv-job-params';
import { CsvJobDeps, csvJobDeps, csvTaskResult, runCsvJob } from '../csv-job/run-csv-job';

/** result_ref is the report JSON (with auto_fix the corrected CSV is stored next to it). */
export function validateCsvHandler(deps: CsvJobDeps): TaskHandler<CsvJobParams> {
  return async (ctx) => csvTaskResult(await runCsvJob(ctx, deps, ctx.params.auto_fix), 'report');
}

export const validateCsvTask = defineTask({
  name: 'validate_csv_job',
  description: 'Validate a product-feed CSV against a marketplace ruleset (optionally auto-fixing).',
  params: csvJobParams(false),
  handler: (deps) => validateCsvHandler(csvJobDeps(deps)),
});
