const NUMERIC = /^[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?$/;

export const FORMULA_INJECTION_FIX = 'formula_injection';

/**
 * A cell that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
 * leading apostrophe, unless it is a number such as -5 or +3.2. Applied to the corrected output.
 */
export function neutralizeFormula(value: string): string | null {
  const first = value.charCodeAt(0);
  if (first !== 0x3d && first !== 0x2b && first !== 0x2d && first !== 0x40 && first !== 0x09 && first !== 0x0d) return null;
  if (NUMERIC.test(value)) return null;
  return `'${value}`;
}
