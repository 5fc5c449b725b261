import { RulesetDefinitionError } from '../errors';
import { BUILT_IN_RULESETS } from '../rulesets';
import type { RulesetDefinition } from '../rulesets/ruleset-definition';
import { loadRuleset } from './load-ruleset';
import { getRuleset, hasRuleset, listMarketplaces } from './ruleset-registry';

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    marketplace: 'test_market',
    name: 'default',
    description: 'a test ruleset',
    columns: [{ name: 'sku', rules: [{ rule: 'required' }] }],
    ...overrides,
  };
}

function withColumn(column: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return minimal({ columns: [{ name: 'sku', rules: [{ rule: 'required' }] }, column], ...extra });
}

function loadError(definition: unknown): RulesetDefinitionError {
  try {
    loadRuleset(definition);
  } catch (error) {
    expect(error).toBeInstanceOf(RulesetDefinitionError);
    return error as RulesetDefinitionError;
  }
  throw new Error('expected the ruleset to be refused');
}

describe('loadRuleset', () => {
  it('loads every built-in ruleset', () => {
    for (const definition of BUILT_IN_RULESETS) {
      const loaded = loadRuleset(definition);
      expect(loaded.marketplace).toBe(definition.marketplace);
      expect(loaded.columns.map((column) => column.name)).toEqual(definition.columns.map((column) => column.name));
    }
  });

  it('resolves aliases case-, accent- and punctuation-insensitively', () => {
    const loaded = loadRuleset(withColumn({ name: 'price', aliases: ['Preço (R$)'], rules: [] }));
    expect(loaded.columnByHeaderKey.get('preco_r')?.name).toBe('price');
    expect(loaded.columnByHeaderKey.get('price')?.name).toBe('price');
  });

  it.each<[string, unknown, RegExp]>([
    ['a non-object', 'nope', /ruleset: must be an object/],
    ['a missing description', minimal({ description: undefined }), /ruleset test_market\/default: "description" is required/],
    ['a bad marketplace name', minimal({ marketplace: 'Mercado Livre' }), /"marketplace" must be lower_snake_case/],
    ['an unknown top-level field', minimal({ colums: [] }), /unknown field "colums"/],
    ['columns that are not a list', minimal({ columns: {} }), /"columns" must be a list/],
    ['an unknown rule kind', withColumn({ name: 'price', rules: [{ rule: 'numbr' }] }), /column "price", rule 1 \(numbr\): unknown rule kind/],
    ['a rule without "rule"', withColumn({ name: 'price', rules: [{ max: 3 }] }), /column "price", rule 1: "rule" must name a rule kind/],
    ['a missing parameter', withColumn({ name: 'title', rules: [{ rule: 'max_length' }] }), /column "title", rule 1 \(max_length\): "max" is required/],
    ['a parameter of the wrong type', withColumn({ name: 'title', rules: [{ rule: 'max_length', max: '60' }] }), /"max" must be a whole number/],
    ['a typo in a parameter', withColumn({ name: 'title', rules: [{ rule: 'max_length', max: 60, mx: 1 }] }), /rule 1 \(max_length\): unknown field "mx"/],
    ['a bad severity', withColumn({ name: 'title', rules: [{ rule: 'required', severity: 'fatal' }] }), /"severity" must be "error" or "warning"/],
    ['a broken regular expression', withColumn({ name: 'code', rules: [{ rule: 'pattern', pattern: '([a-z', hint: 'x' }] }), /rule 1 \(pattern\): "pattern" is not a valid regular expression/],
    ['a stateful regex flag', withColumn({ name: 'code', rules: [{ rule: 'pattern', pattern: 'a', flags: 'g', hint: 'x' }] }), /may not contain g or y/],
    ['range with min above max', withColumn({ name: 'qty', rules: [{ rule: 'integer' }, { rule: 'range', min: 5, max: 1 }] }), /"min" \(5\) is greater than "max" \(1\)/],
    ['range before a number rule', withColumn({ name: 'qty', rules: [{ rule: 'range', max: 1 }] }), /range must come after one of: number, integer/],
    ['an enum synonym to an unknown value', withColumn({ name: 'cond', rules: [{ rule: 'enum', values: ['new'], synonyms: { novo: 'nwe' } }] }), /synonym "novo" points to "nwe"/],
    ['an enum listing a value twice', withColumn({ name: 'cond', rules: [{ rule: 'enum', values: ['new', 'new'] }] }), /lists "new" twice/],
    ['max_items on a column that is not a list', withColumn({ name: 'pics', rules: [{ rule: 'max_items', max: 3 }] }), /max_items needs a list column/],
    ['a multi-character separator', withColumn({ name: 'pics', list: { separators: ['||'] }, rules: [] }), /separators must be single characters/],
    ['a cross-column rule to an unknown column', withColumn({ name: 'sale', rules: [{ rule: 'number' }, { rule: 'not_greater_than', column: 'prce' }] }), /refers to column "prce"/],
    ['the same rule twice in a column', withColumn({ name: 'title', rules: [{ rule: 'required' }, { rule: 'required' }] }), /required is declared twice/],
    ['required_for_category outside a category', withColumn({ name: 'brand', rules: [{ rule: 'required_for_category' }] }), /belongs inside a category/],
    ['an unknown custom rule', withColumn({ name: 'id', rules: [{ rule: 'custom', name: 'isbn13' }] }), /unknown custom rule "isbn13"; known: asin/],
    ['an unknown fix', withColumn({ name: 'title', fixes: ['tidy'], rules: [] }), /column "title": unknown fix "tidy"/],
    ['enum_synonyms without an enum', withColumn({ name: 'title', fixes: ['enum_synonyms'], rules: [] }), /fix "enum_synonyms": the enum_synonyms fix needs an enum rule/],
    ['two whitespace fixes', withColumn({ name: 'title', fixes: ['trim', 'whitespace'], rules: [] }), /more than one whitespace fix/],
    ['a column defined twice', minimal({ columns: [{ name: 'sku', rules: [] }, { name: 'sku', rules: [] }] }), /column "sku" is defined twice/],
    ['an alias claimed by two columns', withColumn({ name: 'price', aliases: ['SKU'], rules: [] }), /header "SKU" of column "price" is already claimed by column "sku"/],
    ['category rules for an unknown column', minimal({ categories: { toys: { columns: { brand: [{ rule: 'required_for_category' }] } } } }), /category "toys": has rules for column "brand"/],
    ['a category without columns', minimal({ categories: { toys: { description: 'x' } } }), /category "toys": "columns" is required/],
    ['a category rule the column already has', minimal({ categories: { toys: { columns: { sku: [{ rule: 'required' }] } } } }), /already has a required rule outside the category/],
  ])('refuses %s, naming where', (_label, definition, message) => {
    expect(loadError(definition).message).toMatch(message);
  });

  it('carries the place and the problem separately on the error', () => {
    const error = loadError(withColumn({ name: 'title', rules: [{ rule: 'max_length', max: 0 }] }));
    expect(error.code).toBe('invalid_ruleset');
    expect(error.where).toBe('ruleset test_market/default, column "title", rule 1 (max_length)');
    expect(error.problem).toBe('"max" must be at least 1');
  });

  it('accepts a new marketplace with a category and a custom rule, as data', () => {
    const definition: RulesetDefinition = {
      marketplace: 'books_market',
      name: 'default',
      description: 'books',
      columns: [
        { name: 'asin', rules: [{ rule: 'custom', name: 'asin' }] },
        { name: 'isbn', aliases: ['ISBN-13'], fixes: ['gtin_digits'], rules: [{ rule: 'gtin' }] },
      ],
      categories: { textbooks: { aliases: ['didáticos'], columns: { isbn: [{ rule: 'required_for_category' }] } } },
    };
    const loaded = loadRuleset(definition);
    expect(loaded.categoryByKey.get('didaticos')?.name).toBe('textbooks');
  });
});

describe('ruleset registry', () => {
  it('lists the marketplaces with their rulesets, categories and columns', () => {
    const marketplaces = listMarketplaces();
    expect(marketplaces.map((entry) => entry.marketplace)).toEqual(['mercado_livre', 'amazon', 'shopee', 'magalu', 'generic']);
    const mercadoLivre = marketplaces[0]!.rulesets[0]!;
    expect(mercadoLivre).toMatchObject({ name: 'default', categories: ['electronics'] });
    expect(mercadoLivre.columns).toContain('gtin');
    expect(marketplaces[4]!.rulesets[0]!.columns).toEqual([]);
  });

  it('answers hasRuleset and getRuleset', () => {
    expect(hasRuleset('mercado_livre')).toBe(true);
    expect(hasRuleset('mercado_livre', 'default')).toBe(true);
    expect(hasRuleset('mercado_livre', 'v2')).toBe(false);
    expect(hasRuleset('ebay')).toBe(false);
    expect(getRuleset('amazon').name).toBe('default');
    expect(() => getRuleset('ebay')).toThrow(/no ruleset "default" for marketplace "ebay"/);
  });
});
