import { Parser } from 'papaparse';
import type { Dialect } from './dialect';

export interface QuoteProblem {
  /** Index into the parsed rows. */
  rowIndex: number;
  kind: 'unterminated' | 'malformed';
}

export interface ParsedRecords {
  rows: string[][];
  quoteProblems: QuoteProblem[] | null;
  /** How much of the text the complete records used; the rest is an unfinished record. */
  consumed: number;
}

interface PapaError {
  code: string;
  row: number;
}

/** papaparse's core parser, one piece of text at a time (chunk mode: all complete records at once). */
export class RecordParser {
  private readonly parser: Parser;

  constructor(readonly dialect: Dialect) {
    this.parser = new Parser({ delimiter: dialect.delimiter, newline: dialect.newline, quoteChar: '"' });
  }

  parse(text: string, isFinal: boolean): ParsedRecords {
    const result = this.parser.parse(text, 0, !isFinal) as { data: string[][]; errors: PapaError[]; meta: { cursor: number } };
    return { rows: result.data, quoteProblems: quoteProblemsOf(result.errors, result.data.length), consumed: result.meta.cursor };
  }
}

/** Errors about an unfinished last record are dropped: they come again when it is parsed whole. */
function quoteProblemsOf(errors: PapaError[], rowCount: number): QuoteProblem[] | null {
  let problems: QuoteProblem[] | null = null;
  for (const error of errors) {
    if (error.row >= rowCount) continue;
    if (error.code !== 'MissingQuotes' && error.code !== 'InvalidQuotes') continue;
    if (problems?.some((problem) => problem.rowIndex === error.row)) continue;
    (problems ??= []).push({ rowIndex: error.row, kind: error.code === 'MissingQuotes' ? 'unterminated' : 'malformed' });
  }
  return problems;
}
