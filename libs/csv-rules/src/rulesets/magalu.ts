import type { RulesetDefinition } from './ruleset-definition';

const POSITIVE_NUMBER = [{ rule: 'required' }, { rule: 'number' }, { rule: 'positive' }] as const;

export const magaluDefault: RulesetDefinition = {
  marketplace: 'magalu',
  name: 'default',
  description: 'Magalu (Magazine Luiza) marketplace product sheet',
  source: 'Column names of the Magalu seller product sheet; limits as configured here',
  sku_column: 'sku',
  columns: [
    {
      name: 'sku',
      aliases: ['codigo', 'sku_seller'],
      fixes: ['trim'],
      rules: [
        { rule: 'required' },
        { rule: 'max_length', max: 50 },
        { rule: 'pattern', pattern: '^[A-Za-z0-9._-]+$', hint: 'only letters, digits, ".", "_" and "-" are allowed' },
        { rule: 'unique' },
      ],
    },
    { name: 'title', aliases: ['titulo', 'nome'], fixes: ['whitespace'], rules: [{ rule: 'required' }, { rule: 'max_length', max: 150 }] },
    {
      name: 'description',
      aliases: ['descricao'],
      fixes: ['whitespace'],
      rules: [{ rule: 'required' }, { rule: 'max_length', max: 10_000 }],
    },
    { name: 'brand', aliases: ['marca'], fixes: ['whitespace'], rules: [{ rule: 'required' }, { rule: 'max_length', max: 60 }] },
    { name: 'ean', aliases: ['gtin', 'codigo_de_barras'], fixes: ['gtin_digits'], rules: [{ rule: 'required' }, { rule: 'gtin' }] },
    {
      name: 'ncm',
      description: 'Mercosur tax classification code (8 digits)',
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'pattern', pattern: '^\\d{8}$', hint: 'an NCM code has exactly 8 digits, e.g. 85171231' }],
    },
    {
      name: 'price',
      aliases: ['preco', 'preco_de'],
      fixes: ['trim', 'decimal_comma'],
      rules: [...POSITIVE_NUMBER, { rule: 'decimals', max: 2 }],
    },
    {
      name: 'promotional_price',
      aliases: ['preco_promocional', 'preco_por'],
      fixes: ['trim', 'decimal_comma'],
      rules: [{ rule: 'number' }, { rule: 'positive' }, { rule: 'decimals', max: 2 }, { rule: 'not_greater_than', column: 'price' }],
    },
    {
      name: 'stock',
      aliases: ['estoque', 'quantidade'],
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'integer' }, { rule: 'range', min: 0, max: 99_999 }],
    },
    { name: 'weight_kg', aliases: ['peso', 'peso_kg'], fixes: ['trim', 'decimal_comma'], rules: [...POSITIVE_NUMBER] },
    { name: 'height_cm', aliases: ['altura', 'altura_cm'], fixes: ['trim', 'decimal_comma'], rules: [...POSITIVE_NUMBER] },
    { name: 'width_cm', aliases: ['largura', 'largura_cm'], fixes: ['trim', 'decimal_comma'], rules: [...POSITIVE_NUMBER] },
    { name: 'length_cm', aliases: ['comprimento', 'comprimento_cm'], fixes: ['trim', 'decimal_comma'], rules: [...POSITIVE_NUMBER] },
    {
      name: 'images',
      aliases: ['imagens', 'fotos'],
      list: { separators: ['|', ','] },
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'url', schemes: ['https'] }, { rule: 'max_items', max: 10 }],
    },
    {
      name: 'voltage',
      aliases: ['voltagem', 'tensao'],
      fixes: ['trim', 'enum_synonyms'],
      rules: [{ rule: 'enum', values: ['110V', '220V', 'bivolt'], synonyms: { '127V': '110V', '110/220V': 'bivolt' } }],
    },
  ],
  categories: {
    electronics: {
      description: 'Electronics and appliances: the voltage is mandatory',
      aliases: ['eletronicos', 'eletroportateis'],
      columns: { voltage: [{ rule: 'required_for_category' }] },
    },
  },
};
