const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ALPHANUMERIC_RUNS = /[^a-z0-9]+/g;
const EDGE_UNDERSCORES = /^_+|_+$/g;
const ALREADY_NORMAL = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/**
 * The key a header (or alias) is matched by: case, accents, spacing and punctuation do not
 * matter, so "Preço", "PRECO" and " preço " all read as `preco`, "Available Quantity" as
 * `available_quantity`.
 */
export function normalizeName(name: string): string {
  if (ALREADY_NORMAL.test(name)) return name;
  return name
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(NON_ALPHANUMERIC_RUNS, '_')
    .replace(EDGE_UNDERSCORES, '');
}
