export const GTIN_LENGTHS = [8, 12, 13, 14] as const;

const ALL_DIGITS = /^\d+$/;

export function isAllDigits(value: string): boolean {
  return ALL_DIGITS.test(value);
}

export function isGtinLength(length: number): boolean {
  return length === 8 || length === 12 || length === 13 || length === 14;
}

/** GS1 check digit of the digits before the last one (weights 3,1,3,... from the right). */
export function expectedCheckDigit(digits: string): number {
  let sum = 0;
  let weight = 3;
  for (let i = digits.length - 2; i >= 0; i--) {
    sum += (digits.charCodeAt(i) - 48) * weight;
    weight = 4 - weight;
  }
  return (10 - (sum % 10)) % 10;
}

export function hasValidCheckDigit(digits: string): boolean {
  return expectedCheckDigit(digits) === digits.charCodeAt(digits.length - 1) - 48;
}

/** One pass: digits only, a GTIN length, and the check digit. */
export function isValidGtin(value: string): boolean {
  const length = value.length;
  if (!isGtinLength(length)) return false;
  let sum = 0;
  let weight = 3;
  for (let i = length - 2; i >= 0; i--) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    sum += digit * weight;
    weight = 4 - weight;
  }
  return (10 - (sum % 10)) % 10 === value.charCodeAt(length - 1) - 48;
}
