import type { FixName } from '../rulesets/ruleset-definition';
import type { SpecFields } from '../rules/spec-fields';

/** Returns the corrected value, or null when the value needs no change (or cannot be fixed safely). */
export type CellFix = (value: string) => string | null;

export interface FixTarget {
  column: string;
  /** The column's rules as loaded, for fixes that need them (e.g. the enum's values). */
  rules: ReadonlyArray<{ kindId: string; params: unknown }>;
}

/**
 * `normalize` fixes (whitespace) run on every value; `repair` fixes run only on a value that
 * breaks one of the column's rules, after which the rules run again on the repaired value.
 */
export type FixStage = 'normalize' | 'repair';

export interface FixKind {
  readonly id: FixName;
  readonly stage: FixStage;
  /** Says what the fix did, for the report. */
  readonly describe: string;
  /** Builds the fix for a column; fails through `fields` when the column does not suit it. */
  compile(target: FixTarget, fields: SpecFields): CellFix;
}
