import { expectedCheckDigit, isAllDigits, isGtinLength, isValidGtin } from './gtin-digits';
import { defineRuleKind, quoted } from './rule-kind';

export const gtinRule = defineRuleKind<null>({
  id: 'gtin',
  judgesEmpty: false,
  parse(fields) {
    fields.rejectUnknown();
    return null;
  },
  compile(_params, { column }) {
    return (value) => {
      if (isValidGtin(value)) return null;
      if (!isAllDigits(value)) return `${column} ${quoted(value)} must contain only digits`;
      if (!isGtinLength(value.length)) {
        return `${column} ${quoted(value)} has ${value.length} digits; a GTIN has 8, 12, 13 or 14`;
      }
      return `${column} ${quoted(value)} has an invalid check digit (expected ${expectedCheckDigit(value)})`;
    };
  },
});
