import { CANONICAL_DECIMAL } from './numbers';
import { defineRuleKind, quoted } from './rule-kind';

/** E.g. a sale price may not exceed the list price. Silent when the other cell is absent or not a number (its own rules report that). */
export const notGreaterThanRule = defineRuleKind<{ column: string }>({
  id: 'not_greater_than',
  judgesEmpty: false,
  needsEarlier: ['number', 'integer'],
  parse(fields) {
    const column = fields.text('column');
    fields.rejectUnknown();
    return { column };
  },
  referencedColumns: ({ column }) => [column],
  compile({ column: other }, { column, positionOf }) {
    const position = positionOf(other);
    if (position === -1) return () => null;
    return (value, _row, cells) => {
      const limit = cells[position];
      if (limit === undefined || !CANONICAL_DECIMAL.test(limit)) return null;
      return Number(value) <= Number(limit) ? null : `${column} ${quoted(value)} is greater than ${other} ${quoted(limit)}`;
    };
  },
});
