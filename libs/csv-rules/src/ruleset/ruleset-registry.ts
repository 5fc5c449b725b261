import { UnknownRulesetError } from '../errors';
import { BUILT_IN_RULESETS } from '../rulesets';
import type { LoadedRuleset } from './loaded-ruleset';
import { loadRuleset } from './load-ruleset';

export const DEFAULT_RULESET = 'default';

export interface RulesetInfo {
  name: string;
  description: string;
  categories: string[];
  columns: string[];
}

export interface MarketplaceInfo {
  marketplace: string;
  rulesets: RulesetInfo[];
}

// Loaded when the module is first imported: a broken built-in ruleset fails the process at start-up.
const registry = new Map<string, Map<string, LoadedRuleset>>();
for (const definition of BUILT_IN_RULESETS) {
  const loaded = loadRuleset(definition);
  const byName = registry.get(loaded.marketplace) ?? new Map<string, LoadedRuleset>();
  if (byName.has(loaded.name)) throw new Error(`ruleset ${loaded.marketplace}/${loaded.name} is registered twice`);
  byName.set(loaded.name, loaded);
  registry.set(loaded.marketplace, byName);
}

export function listMarketplaces(): MarketplaceInfo[] {
  return [...registry.entries()].map(([marketplace, byName]) => ({
    marketplace,
    rulesets: [...byName.values()].map((ruleset) => ({
      name: ruleset.name,
      description: ruleset.description,
      categories: ruleset.categories.map((category) => category.name),
      columns: ruleset.columns.map((column) => column.name),
    })),
  }));
}

export function hasRuleset(marketplace: string, ruleset: string = DEFAULT_RULESET): boolean {
  return registry.get(marketplace)?.has(ruleset) ?? false;
}

export function getRuleset(marketplace: string, ruleset: string = DEFAULT_RULESET): LoadedRuleset {
  const found = registry.get(marketplace)?.get(ruleset);
  if (found) return found;
  const known = [...registry.entries()].flatMap(([name, byName]) => [...byName.keys()].map((set) => `${name}/${set}`));
  throw new UnknownRulesetError(marketplace, ruleset, known);
}
