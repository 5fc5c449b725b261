import type { Writable } from 'node:stream';
import { parseEncodingOption, type EncodingOption } from './encoding/encoding-names';
import { DEFAULT_MAX_UNIQUE_INDEX_BYTES } from './engine/memory-budget';
import { InvalidOptionsError } from './errors';
import { parseDelimiterOption, type Delimiter } from './parsing/dialect';
import { DEFAULT_MAX_ISSUES } from './report/report-builder';
import type { LoadedRuleset } from './ruleset/loaded-ruleset';
import { DEFAULT_RULESET, getRuleset } from './ruleset/ruleset-registry';

export const DEFAULT_MARKETPLACE = 'generic';
/** A record longer than this is refused (in practice: an unterminated quote swallowing the file). */
export const DEFAULT_MAX_RECORD_CHARS = 8 * 1024 * 1024;
/** A header wider than this is refused (a `too_many_columns` error in the report). */
export const DEFAULT_MAX_COLUMNS = 2_000;

export interface ValidationProgress {
  /** Data rows read so far (the header is not counted). */
  rowsRead: number;
  bytesRead: number;
  /** As given in the options; null when unknown. */
  totalBytes: number | null;
  /** bytesRead / totalBytes, 0..1; null when the total is unknown. */
  fraction: number | null;
  done: boolean;
}

export interface ValidateCsvOptions {
  /** Default `generic` (structural checks only). */
  marketplace?: string;
  /** Adds the category's rules when the ruleset has them (e.g. `electronics`); other categories get the base rules. */
  category?: string | null;
  /** Default `default`. */
  ruleset?: string;
  /** Apply fixes and record them. Defaults to true when `correctedOutput` is given. */
  autoFix?: boolean;
  /** Receives the corrected CSV (UTF-8, the input's delimiter); ended when validation succeeds, destroyed when it fails. */
  correctedOutput?: Writable;
  /**
   * Most bytes the corrected CSV may take; default max(2 × input, input + 64 MiB), with the input
   * size from `totalBytes` or else the bytes read so far. Past it the run rejects with
   * OutputLimitExceededError (`output_limit_exceeded`).
   */
  maxCorrectedBytes?: number;
  /** Start the corrected CSV with a UTF-8 BOM (helps Excel); default false. */
  correctedOutputBom?: boolean;
  signal?: AbortSignal;
  /** Called after each parsed chunk and once at the end; a returned promise is awaited. */
  onProgress?: (progress: ValidationProgress) => void | Promise<void>;
  /** Size of the input in bytes when known (null or undefined: unknown), for `fraction` in progress. */
  totalBytes?: number | null;
  /** Cap on detailed issues in the report (counts stay exact); default 10,000. */
  maxIssues?: number;
  /** `auto` (default), `utf-8`, `windows-1252` (also `latin1`, `iso-8859-1`), `utf-16le`, `utf-16be`. */
  encoding?: string;
  /** `,` `;` `\t` `|` (or comma, semicolon, tab, pipe); detected from the header when absent. */
  delimiter?: string;
  /** Longest record accepted, in characters; default 8 Mi. */
  maxRecordChars?: number;
  /**
   * Widest header accepted; default 2,000. A wider one ends the run with a report holding one
   * `too_many_columns` error (no row is read, the corrected CSV is left empty).
   */
  maxColumns?: number;
  /**
   * Memory the `unique` indexes of one run may hold together, in bytes (default 32 MiB: about
   * 1.3 million distinct values). Past it, uniqueness is not checked for new values and the
   * report says so in a `unique` warning.
   */
  maxUniqueIndexBytes?: number;
}

export interface ResolvedOptions {
  ruleset: LoadedRuleset;
  category: string | null;
  autoFix: boolean;
  correctedOutput: Writable | undefined;
  correctedOutputBom: boolean;
  maxCorrectedBytes: number | null;
  signal: AbortSignal | undefined;
  onProgress: ValidateCsvOptions['onProgress'];
  totalBytes: number | null;
  maxIssues: number;
  encoding: EncodingOption;
  delimiter: Delimiter | undefined;
  maxRecordChars: number;
  maxColumns: number;
  maxUniqueIndexBytes: number;
}

export function resolveOptions(options: ValidateCsvOptions): ResolvedOptions {
  const ruleset = getRuleset(options.marketplace ?? DEFAULT_MARKETPLACE, options.ruleset ?? DEFAULT_RULESET);
  if (options.autoFix === false && options.correctedOutput) {
    throw new InvalidOptionsError('correctedOutput needs autoFix: the corrected CSV is the fixed one');
  }
  const category = options.category?.trim() ? options.category.trim() : null;
  return {
    ruleset,
    category,
    autoFix: options.autoFix ?? options.correctedOutput !== undefined,
    correctedOutput: options.correctedOutput,
    correctedOutputBom: options.correctedOutputBom ?? false,
    maxCorrectedBytes: optionalCount('maxCorrectedBytes', options.maxCorrectedBytes, 0),
    signal: options.signal,
    onProgress: options.onProgress,
    totalBytes: optionalCount('totalBytes', options.totalBytes, 0),
    maxIssues: optionalCount('maxIssues', options.maxIssues, 0) ?? DEFAULT_MAX_ISSUES,
    encoding: parseEncodingOption(options.encoding),
    delimiter: parseDelimiterOption(options.delimiter),
    maxRecordChars: optionalCount('maxRecordChars', options.maxRecordChars, 1) ?? DEFAULT_MAX_RECORD_CHARS,
    maxColumns: optionalCount('maxColumns', options.maxColumns, 1) ?? DEFAULT_MAX_COLUMNS,
    maxUniqueIndexBytes: optionalCount('maxUniqueIndexBytes', options.maxUniqueIndexBytes, 0) ?? DEFAULT_MAX_UNIQUE_INDEX_BYTES,
  };
}

function optionalCount(name: string, value: number | null | undefined, min: number): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidOptionsError(`${name} must be a whole number of at least ${min}, got ${String(value)}`);
  }
  return value;
}
