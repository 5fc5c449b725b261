import { defineRuleKind, quoted } from '../rule-kind';

const MODERN_ASIN = /^B0[0-9A-Z]{8}$/;
const ISBN10 = /^\d{9}[\dX]$/;

/**
 * Amazon Standard Identification Number: "B0" and eight letters or digits, or (for books) an
 * ISBN-10, whose mod-11 check digit a pattern cannot verify, hence a custom rule.
 */
export const asinRule = defineRuleKind<null>({
  id: 'asin',
  judgesEmpty: false,
  parse(fields) {
    fields.rejectUnknown();
    return null;
  },
  compile(_params, { column }) {
    return (value) => {
      if (MODERN_ASIN.test(value)) return null;
      if (ISBN10.test(value) && isbn10CheckDigitValid(value)) return null;
      return `${column} ${quoted(value)} is not an ASIN (B0 and 8 letters or digits, or an ISBN-10)`;
    };
  },
});

function isbn10CheckDigitValid(isbn: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const digit = isbn[i] === 'X' ? 10 : isbn.charCodeAt(i) - 48;
    sum += digit * (10 - i);
  }
  return sum % 11 === 0;
}
