import { DEFAULT_MAX_UNIQUE_VALUES, UniqueValueIndex } from '../engine/unique-index';
import { defineRuleKind, formatCount, quoted } from './rule-kind';

/**
 * Flags the second and later occurrences of a value, naming the row of the first. Values are
 * remembered as 64-bit keyed hashes, not strings: 12-24 bytes per distinct value whatever its
 * length (the odds of a false duplicate are ~n²/2⁶⁵: 3·10⁻⁸ for a million rows). To keep memory
 * bounded, at most `max_values` distinct values are remembered (default 3,000,000), and no more
 * than the run's memory budget allows; past either, later values are still compared with the
 * remembered ones, and one warning says so.
 */
function hasEdgeSpace(value: string): boolean {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first <= 0x20 || first === 0xa0 || last <= 0x20 || last === 0xa0;
}

export const uniqueRule = defineRuleKind<{ caseSensitive: boolean; maxValues: number }>({
  id: 'unique',
  judgesEmpty: false,
  remembersValues: true,
  parse(fields) {
    const caseSensitive = fields.boolean('case_sensitive') ?? true;
    const maxValues = fields.integer('max_values', { min: 1, optional: true }) ?? DEFAULT_MAX_UNIQUE_VALUES;
    fields.rejectUnknown();
    return { caseSensitive, maxValues };
  },
  compile({ caseSensitive, maxValues }, { column, memory }) {
    const index = new UniqueValueIndex({ maxValues, budget: memory });
    let warned = false;
    return (value, row) => {
      const trimmed = hasEdgeSpace(value) ? value.trim() : value;
      const key = caseSensitive ? trimmed : trimmed.toLowerCase();
      const firstRow = index.firstRowOf(key, row);
      if (firstRow !== 0) return `${column} ${quoted(value)} repeats the value of row ${firstRow}`;
      if (index.limit === null || warned) return null;
      warned = true;
      const why = index.limit === 'memory' ? 'the memory limit for one file' : `the rule's limit of ${formatCount(maxValues)}`;
      const count = formatCount(index.distinctValues);
      return {
        notice: `${column}: uniqueness not checked beyond ${count} distinct values (${why}); later values are only compared with those`,
      };
    };
  },
});
