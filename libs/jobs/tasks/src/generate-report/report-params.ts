import { listMarketplaces } from '@validahub/csv-rules';
import { fields, ParamsOf, paramsSchema } from '@validahub/jobs-domain';

export const REPORT_FORMATS = ['html', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** The longest period a report covers, in days (both ends included). */
export const MAX_REPORT_DAYS = 366;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A calendar date (YYYY-MM-DD) as UTC midnight, or null when it is not a real date. */
export function parseReportDate(text: string): Date | null {
  if (!DATE.test(text)) return null;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) ? date : null;
}

export const reportParams = paramsSchema({
  from: fields.string({ pattern: DATE }).required(),
  to: fields.string({ pattern: DATE }).required(),
  marketplace: fields.string({ oneOf: listMarketplaces().map((m) => m.marketplace) }),
  formats: fields.choices({ oneOf: REPORT_FORMATS }).default([...REPORT_FORMATS]),
}).refine(({ from, to }) => {
  const start = parseReportDate(from);
  const end = parseReportDate(to);
  if (!start) return [{ field: 'params.from', message: 'must be a real date (YYYY-MM-DD)' }];
  if (!end) return [{ field: 'params.to', message: 'must be a real date (YYYY-MM-DD)' }];
  if (end < start) return [{ field: 'params.to', message: 'must not be before from' }];
  const days = (end.getTime() - start.getTime()) / DAY_MS + 1;
  return days > MAX_REPORT_DAYS ? [{ field: 'params.to', message: `the period may cover at most ${MAX_REPORT_DAYS} days (it covers ${days})` }] : [];
});

export type ReportParams = ParamsOf<typeof reportParams>;
