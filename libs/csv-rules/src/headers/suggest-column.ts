import { distance } from 'fastest-levenshtein';
import type { LoadedColumn } from '../ruleset/loaded-ruleset';
import { normalizeName } from './normalize-name';

/** Longer header keys are not compared: typos are in names, not in sentences. */
const LONGEST_KEY = 40;

export interface ColumnSuggestion {
  column: LoadedColumn;
  /** The name or alias the header is closest to, as the ruleset spells it. */
  spelling: string;
}

/**
 * Edits allowed between a header and a column name for the header to read as a typo of it:
 * none for very short names (too many near neighbours), then more as names grow. A swap of two
 * letters costs two edits, so `pirce` still finds `price`.
 */
function allowedEdits(length: number): number {
  if (length <= 3) return 0;
  if (length === 4) return 1;
  if (length <= 7) return 2;
  return 3;
}

/** The ruleset column an unknown header most likely meant (fewest edits; the ruleset's order breaks ties), or null. */
export function suggestColumn(headerKey: string, candidates: readonly LoadedColumn[]): ColumnSuggestion | null {
  if (headerKey.length > LONGEST_KEY) return null;
  const allowed = allowedEdits(headerKey.length);
  if (allowed === 0) return null;
  let best: ColumnSuggestion | null = null;
  let bestEdits = allowed + 1;
  for (const column of candidates) {
    for (const spelling of [column.name, ...column.aliases]) {
      const key = normalizeName(spelling);
      if (Math.abs(key.length - headerKey.length) >= bestEdits) continue;
      const edits = distance(headerKey, key);
      if (edits < bestEdits && edits < key.length / 2) {
        best = { column, spelling };
        bestEdits = edits;
      }
    }
  }
  return best;
}
