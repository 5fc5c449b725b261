import { renderIssuesCsv, renderReportHtml, type ValidationReport } from '@validahub/csv-rules';
import { type ObjectStorage, RESULT_FILES, type ResultPart } from '@validahub/storage';

export interface ReportParts {
  reportUri: string;
  issuesCsvUri: string;
  reportHtmlUri: string;
}

/**
 * Stores the report as JSON plus its two renderings for people: the issues as a spreadsheet-safe
 * CSV (the input's delimiter, formula-neutralised) and a self-contained HTML page.
 */
export async function storeReport(
  storage: ObjectStorage,
  report: ValidationReport,
  options: { locate: (part: ResultPart) => string; signal: AbortSignal; title: string },
): Promise<ReportParts> {
  const store = async (part: ResultPart, body: string) =>
    (await storage.write(options.locate(part), body, { contentType: RESULT_FILES[part].contentType, signal: options.signal })).uri;
  const [reportUri, issuesCsvUri, reportHtmlUri] = await Promise.all([
    store('report', JSON.stringify(report)),
    store('issues_csv', renderIssuesCsv(report)),
    store('report_html', renderReportHtml(report, { title: options.title })),
  ]);
  return { reportUri, issuesCsvUri, reportHtmlUri };
}
