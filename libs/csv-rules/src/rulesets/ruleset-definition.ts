/**
 * The data format of a ruleset. Rulesets are plain data (one file per marketplace under
 * rulesets/); the loader checks every field when the ruleset is loaded, so a typo fails fast
 * with the place named, whether the data came from TypeScript or from JSON.
 */
export type RuleSeverity = 'error' | 'warning';

interface RuleBase {
  /** Defaults to `error`. */
  severity?: RuleSeverity;
}

export type RuleSpec = RuleBase &
  (
    | { rule: 'required' }
    | { rule: 'required_for_category' }
    | { rule: 'max_length'; max: number }
    | { rule: 'min_length'; min: number }
    | { rule: 'pattern'; pattern: string; flags?: string; hint: string }
    | { rule: 'unique'; case_sensitive?: boolean; max_values?: number }
    | { rule: 'number' }
    | { rule: 'integer' }
    | { rule: 'positive' }
    | { rule: 'decimals'; max: number }
    | { rule: 'range'; min?: number; max?: number }
    | { rule: 'enum'; values: string[]; synonyms?: Record<string, string> }
    | { rule: 'gtin' }
    | { rule: 'url'; schemes?: string[] }
    | { rule: 'max_items'; max: number }
    | { rule: 'not_greater_than'; column: string }
    | { rule: 'custom'; name: string; params?: Record<string, unknown> }
  );

/** Fixes run (with auto-fix on) in the order listed, before the column's rules. */
export type FixName = 'trim' | 'whitespace' | 'decimal_comma' | 'enum_synonyms' | 'gtin_digits';

export interface ColumnDefinition {
  /** The canonical name, used in reports. */
  name: string;
  /** Other accepted headers; matching ignores case, accents, spaces and punctuation. */
  aliases?: string[];
  description?: string;
  /** What the marketplace assumes when the cell is empty (documentation only: never filled in). */
  default?: string;
  /** Set for columns holding several values in one cell (e.g. picture URLs). */
  list?: { separators: string[] };
  fixes?: FixName[];
  rules: RuleSpec[];
}

export interface CategoryDefinition {
  description?: string;
  aliases?: string[];
  /** Extra rules per column (by canonical name) that apply only to this category. */
  columns: Record<string, RuleSpec[]>;
}

export interface RulesetDefinition {
  marketplace: string;
  name: string;
  description: string;
  /** Where the limits come from, for the docs. */
  source?: string;
  /** The column that identifies a product (SKU, seller code): its value is shown beside each issue of the row. */
  sku_column?: string;
  columns: ColumnDefinition[];
  categories?: Record<string, CategoryDefinition>;
}
