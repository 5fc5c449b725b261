const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ALPHANUMERIC_RUNS = /[^a-z0-9]+/g;
const EDGE_UNDERSCORES = /^_+|_+$/g;
// One flat character class: a nested group backtracks by recursion and overflows the stack on a multi-MB header.
const ALREADY_NORMAL_CHARS = /^[a-z0-9_]+$/;

/**
 * The key a header (or alias) is matched by: case, accents, spacing and punctuation do not
 * matter, so "Preço", "PRECO" and " preço " all read as `preco`, "Available Quantity" as
 * `available_quantity`.
 */
export function normalizeName(name: string): string {
  if (isAlreadyNormal(name)) return name;
  return name.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().replace(NON_ALPHANUMERIC_RUNS, '_').replace(EDGE_UNDERSCORES, '');
}

/** Lower-case letters and digits in runs joined by single underscores, none at either end. */
function isAlreadyNormal(name: string): boolean {
  return ALREADY_NORMAL_CHARS.test(name) && !name.startsWith('_') && !name.endsWith('_') && !name.includes('__');
}
