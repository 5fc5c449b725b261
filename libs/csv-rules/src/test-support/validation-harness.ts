import { PassThrough, Readable } from 'node:stream';
import type { ValidateCsvOptions } from '../options';
import type { ReportIssue, ValidationReport } from '../report/report-types';
import { validateCsv } from '../validate-csv';

/** Test helpers: build CSV text in code and run the engine on it (no fixture files). */

export function streamOf(content: string | Buffer, chunkSize = 64 * 1024): Readable {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

export function validateText(
  content: string | Buffer,
  options: ValidateCsvOptions = {},
  chunkSize?: number,
): Promise<ValidationReport> {
  return validateCsv(streamOf(content, chunkSize), options);
}

export async function correctText(
  content: string | Buffer,
  options: ValidateCsvOptions = {},
  chunkSize?: number,
): Promise<{ report: ValidationReport; output: string }> {
  const output = new PassThrough();
  const received: Buffer[] = [];
  output.on('data', (chunk: Buffer) => received.push(chunk));
  const report = await validateCsv(streamOf(content, chunkSize), { ...options, correctedOutput: output });
  return { report, output: Buffer.concat(received).toString('utf8') };
}

/** Quotes cells that need it, so tests can write rows as arrays. */
export function csvLine(cells: readonly string[], delimiter = ','): string {
  return cells
    .map((cell) => (cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
    .join(delimiter);
}

export function csvText(rows: ReadonlyArray<readonly string[]>, options: { delimiter?: string; newline?: string } = {}): string {
  const newline = options.newline ?? '\n';
  return rows.map((row) => csvLine(row, options.delimiter) + newline).join('');
}

export const ML_COLUMNS = [
  'sku',
  'title',
  'description',
  'price',
  'currency',
  'available_quantity',
  'condition',
  'brand',
  'model',
  'gtin',
  'pictures',
] as const;

export type MlColumn = (typeof ML_COLUMNS)[number];
export type MlRow = Partial<Record<MlColumn, string>>;

/** A row that passes every mercado_livre rule, electronics included; `index` keeps the SKU unique. */
export function validMlRow(index: number): Record<MlColumn, string> {
  return {
    sku: `SKU-${index}`,
    title: `Smartphone Modelo ${index}`,
    description: 'Aparelho novo, com garantia de 12 meses.',
    price: '1299.90',
    currency: 'BRL',
    available_quantity: '5',
    condition: 'new',
    brand: 'Acme',
    model: `X${index}`,
    gtin: '4006381333931',
    pictures: 'https://http2.mlstatic.com/a.jpg|https://http2.mlstatic.com/b.jpg',
  };
}

/** A mercado_livre file: each row is a valid row with the given cells replaced. */
export function mlFile(rows: readonly MlRow[], options: { delimiter?: string; newline?: string } = {}): string {
  const body = rows.map((overrides, index) => {
    const row = { ...validMlRow(index + 1), ...overrides };
    return ML_COLUMNS.map((column) => row[column]);
  });
  return csvText([[...ML_COLUMNS], ...body], options);
}

export function issuesFor(report: ValidationReport, rule: string): ReportIssue[] {
  return report.issues.filter((issue) => issue.rule === rule);
}

/** Problems only (errors and warnings), without the fix records. */
export function problems(report: ValidationReport): ReportIssue[] {
  return report.issues.filter((issue) => issue.severity !== 'fix');
}
