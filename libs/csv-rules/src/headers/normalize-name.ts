const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ALPHANUMERIC_RUNS = /[^a-z0-9]+/g;
const EDGE_UNDERSCORES = /^_+|_+$/g;

/**
 * The key a header (or alias) is matched by: case, accents, spacing and punctuation do not
 * matter, so "Preço", "PRECO" and " preço " all read as `preco`, "Available Quantity" as
 * `available_quantity`.
 */
export function normalizeName(name: string): string {
  if (isAlreadyNormal(name)) return name;
  return name.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().replace(NON_ALPHANUMERIC_RUNS, '_').replace(EDGE_UNDERSCORES, '');
}

/**
 * Lower-case letters and digits in runs joined by single underscores, none at either end. A loop,
 * not a regex: V8's backtracking overflowed the stack on a multi-MB header.
 */
function isAlreadyNormal(name: string): boolean {
  if (!name.length) return false;
  let previousUnderscore = true; // so a leading underscore fails
  for (let i = 0; i < name.length; i += 1) {
    const code = name.charCodeAt(i);
    const underscore = code === 95;
    const alphanumeric = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
    if (!alphanumeric && !(underscore && !previousUnderscore)) return false;
    previousUnderscore = underscore;
  }
  return !previousUnderscore;
}
