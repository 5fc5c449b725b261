import { amazonDefault } from './amazon';
import { genericDefault } from './generic';
import { magaluDefault } from './magalu';
import { mercadoLivreDefault } from './mercado-livre';
import type { RulesetDefinition } from './ruleset-definition';
import { shopeeDefault } from './shopee';

/** Every ruleset shipped with the engine. A new marketplace is one more file and one more entry here. */
export const BUILT_IN_RULESETS: readonly RulesetDefinition[] = [
  mercadoLivreDefault,
  amazonDefault,
  shopeeDefault,
  magaluDefault,
  genericDefault,
];
