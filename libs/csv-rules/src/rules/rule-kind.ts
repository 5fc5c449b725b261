import type { MemoryBudget } from '../engine/memory-budget';
import type { SpecFields } from './spec-fields';

/** A remark that does not fail the value (e.g. a limit was reached); reported as a warning. */
export interface RuleNotice {
  notice: string;
}

/**
 * Checks one cell: null when it passes, else the message (reported with the rule's severity),
 * or rarely a notice. Must not allocate when it passes.
 */
export type CellCheck = (value: string, row: number, cells: readonly string[]) => string | RuleNotice | null;

export interface ListFormat {
  separators: readonly string[];
}

export interface CompileContext {
  /** The ruleset's name for the column being compiled. */
  column: string;
  category: string | null;
  list: ListFormat | null;
  /** Header position of another ruleset column in this file, -1 when the file lacks it. */
  positionOf(column: string): number;
  /** What this run may spend on state that grows with the file (shared by all columns). */
  memory: MemoryBudget;
}

export interface RuleKind<Params = unknown> {
  readonly id: string;
  /** Kinds that judge empty cells (the `required` family); every other kind sees only non-empty cells. */
  readonly judgesEmpty: boolean;
  /** Kinds one of which must come earlier in the same column (e.g. `range` needs `integer` or `number`). */
  readonly needsEarlier?: readonly string[];
  /** Kinds that remember values (unique): they run after the column's other rules, on values that passed them. */
  readonly remembersValues?: boolean;
  /** Only for columns declared as lists. */
  readonly needsList?: boolean;
  /** Other ruleset columns the rule reads; the loader checks that they exist. */
  referencedColumns?(params: Params): readonly string[];
  /** Reads and checks the rule's fields (call `fields.rejectUnknown()` at the end). */
  parse(fields: SpecFields): Params;
  /** Builds the check; called once per validation run, so it may hold per-run state. */
  compile(params: Params, context: CompileContext): CellCheck;
}

export function defineRuleKind<Params>(kind: RuleKind<Params>): RuleKind<Params> {
  return kind;
}

const numberFormat = new Intl.NumberFormat('en-US');

export function formatCount(count: number): string {
  return numberFormat.format(count);
}

/** Code points, so an emoji counts as one character; the cheap UTF-16 length settles most cases. */
export function characterCount(value: string, atMost: number): number {
  if (value.length <= atMost) return value.length;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff) count++;
  }
  return count;
}

export function quoted(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
