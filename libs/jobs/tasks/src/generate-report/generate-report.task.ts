import { JOB_ERROR_CODES, PermanentJobError } from '@validahub/jobs-domain';
import { RESULT_FILES, resultLocation, type ObjectStorage, type ResultPart, type ResultRun } from '@validahub/storage';
import { toCsvJobError } from '../csv-job/csv-job-errors';
import { defineTask, type TaskDeps } from '../task';
import type { TaskContext, TaskResult } from '../task-handler';
import { renderReportCsv } from './render-report-csv';
import { renderReportPage } from './render-report-page';
import { ReportData, reportDataLocation, reportDataProblem } from './report-data';
import { ReportFormat, ReportParams, reportParams } from './report-params';

/** The stored data is a few hundred KB at most (366 days, top-10 lists); anything far larger is not ours. */
const MAX_DATA_BYTES = 16 * 1024 * 1024;

const PART_OF: Record<ReportFormat, ResultPart> = { json: 'report', csv: 'report_csv', html: 'report_html' };
const RENDER: Record<ReportFormat, (data: ReportData) => string> = {
  json: (data) => JSON.stringify(data),
  csv: renderReportCsv,
  html: renderReportPage,
};

async function readData(storage: ObjectStorage, uri: string, signal: AbortSignal): Promise<ReportData> {
  const opened = await storage.openRead(uri, { signal });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of opened.stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_DATA_BYTES) {
      opened.stream.destroy();
      throw new PermanentJobError('invalid_report_data', `report data at ${uri} is larger than ${MAX_DATA_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new PermanentJobError('invalid_report_data', `report data at ${uri} is not JSON`);
  }
  const problem = reportDataProblem(data);
  if (problem) throw new PermanentJobError('invalid_report_data', `report data at ${uri}: ${problem}`);
  return data as ReportData;
}

/**
 * Renders the report the gateway prepared (see report-data.ts: the SQL runs where the database
 * is) in each asked format, under this run's own keys. Summary: the totals, and where each
 * format went (`json_ref`, `csv_ref`, `html_ref`), which `?part=json|csv|html` serves.
 */
export function generateReportHandler(deps: TaskDeps) {
  return async (ctx: TaskContext<ReportParams>): Promise<TaskResult> => {
    const dataUri = reportDataLocation(deps.resultsUri, ctx.jobId);
    const run: ResultRun = { jobId: ctx.jobId, attempt: ctx.attempt, runId: ctx.runId };
    try {
      const data = await readData(deps.storage, dataUri, ctx.signal);
      ctx.reportProgress(30, `Rendering ${ctx.params.formats.join(', ')}`);
      const refs: Partial<Record<`${ReportFormat}_ref`, string>> = {};
      for (const format of ctx.params.formats as ReportFormat[]) {
        const part = PART_OF[format];
        const written = await deps.storage.write(resultLocation(deps.resultsUri, run, part), RENDER[format](data), {
          contentType: RESULT_FILES[part].contentType,
          signal: ctx.signal,
        });
        refs[`${format}_ref`] = written.uri;
      }
      ctx.reportProgress(100, `Reported on ${data.totals.jobs} jobs`);
      return {
        resultRef: refs.html_ref ?? refs.json_ref ?? refs.csv_ref ?? null,
        summary: { period: data.period, marketplace: data.marketplace, ...data.totals, ...refs },
      };
    } catch (error) {
      if (error instanceof PermanentJobError) throw error;
      const mapped = toCsvJobError(error, dataUri, ctx.signal);
      if (mapped instanceof PermanentJobError && mapped.code === JOB_ERROR_CODES.inputNotFound) {
        throw new PermanentJobError('report_data_missing', `the gateway's data for this report is missing (${dataUri})`, { cause: error });
      }
      throw mapped;
    }
  };
}

export const generateReportTask = defineTask({
  name: 'generate_report_job',
  description: "Summarise the tenant's finished CSV jobs of a period: JSON, CSV and an HTML page with a chart.",
  params: reportParams,
  defaults: { timeLimitSeconds: 120, maxRetries: 2 },
  handler: (deps) => generateReportHandler(deps),
});
