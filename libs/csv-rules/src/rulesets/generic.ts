import type { RulesetDefinition } from './ruleset-definition';

/** Any CSV: only the structural checks (headers, cell counts, blank rows, encoding). */
export const genericDefault: RulesetDefinition = {
  marketplace: 'generic',
  name: 'default',
  description: 'Structural checks only, for any product feed',
  columns: [],
};
