import { GTIN_LENGTHS, hasValidCheckDigit, isAllDigits, isValidGtin } from '../rules/gtin-digits';
import type { FixKind } from './fix-kind';

const SPACES_AND_DASHES = /[\s-]+/g;
/** Spreadsheets drop the leading zeros a code had; more than three is not a code that lost its zeros. */
const MAX_RESTORED_ZEROS = 3;

/**
 * Strips spaces and dashes, then restores leading zeros that spreadsheets drop (a UPC read as a
 * number loses its first 0): the value is left-padded to the next GTIN length when that gives a
 * valid check digit (at most three zeros). Anything else is left for the `gtin` rule to report.
 */
export const gtinDigitsFix: FixKind = {
  id: 'gtin_digits',
  stage: 'repair',
  describe: 'reduced to digits, with dropped leading zeros restored where the check digit confirms them',
  compile: () => (value) => {
    if (isValidGtin(value)) return null;
    const digits = value.replace(SPACES_AND_DASHES, '');
    if (digits.length === 0 || !isAllDigits(digits)) return null;
    if (!isValidGtin(digits)) {
      const length = GTIN_LENGTHS.find((candidate) => candidate > digits.length);
      if (length !== undefined && length - digits.length <= MAX_RESTORED_ZEROS) {
        const padded = digits.padStart(length, '0');
        if (hasValidCheckDigit(padded)) return padded;
      }
    }
    return digits === value ? null : digits;
  },
};
