import type { RulesetDefinition } from './ruleset-definition';

export const shopeeDefault: RulesetDefinition = {
  marketplace: 'shopee',
  name: 'default',
  description: 'Shopee Brazil mass-upload sheet, basic product columns',
  source: 'Column names of the Shopee mass-upload template; limits as configured here',
  sku_column: 'sku',
  columns: [
    { name: 'sku', aliases: ['parent_sku', 'sku_pai', 'seller_sku'], fixes: ['trim'], rules: [{ rule: 'max_length', max: 100 }, { rule: 'unique' }] },
    {
      name: 'product_name',
      aliases: ['title', 'nome', 'nome_do_produto'],
      fixes: ['whitespace'],
      rules: [{ rule: 'required' }, { rule: 'min_length', min: 10 }, { rule: 'max_length', max: 120 }],
    },
    {
      name: 'product_description',
      aliases: ['description', 'descricao'],
      fixes: ['whitespace'],
      rules: [{ rule: 'required' }, { rule: 'min_length', min: 20 }, { rule: 'max_length', max: 3_000 }],
    },
    {
      name: 'category_id',
      aliases: ['categoria', 'id_categoria'],
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'integer' }, { rule: 'range', min: 1 }],
    },
    {
      name: 'price',
      aliases: ['preco'],
      fixes: ['trim', 'decimal_comma'],
      rules: [{ rule: 'required' }, { rule: 'number' }, { rule: 'positive' }, { rule: 'decimals', max: 2 }],
    },
    {
      name: 'stock',
      aliases: ['estoque', 'quantidade', 'available_quantity'],
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'integer' }, { rule: 'range', min: 0, max: 999_999 }],
    },
    {
      name: 'weight',
      aliases: ['peso', 'weight_kg', 'peso_kg'],
      description: 'Kilograms',
      fixes: ['trim', 'decimal_comma'],
      rules: [{ rule: 'required' }, { rule: 'number' }, { rule: 'positive' }, { rule: 'decimals', max: 3 }],
    },
    { name: 'brand', aliases: ['marca'], fixes: ['whitespace'], rules: [{ rule: 'max_length', max: 50 }] },
    { name: 'gtin', aliases: ['ean'], fixes: ['gtin_digits'], rules: [{ rule: 'gtin' }] },
    {
      name: 'images',
      aliases: ['image_urls', 'imagens', 'fotos'],
      list: { separators: ['|', ','] },
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'url', schemes: ['https'] }, { rule: 'max_items', max: 9 }],
    },
    {
      name: 'condition',
      aliases: ['condicao'],
      fixes: ['trim', 'enum_synonyms'],
      rules: [{ rule: 'enum', values: ['new', 'used'], synonyms: { novo: 'new', usado: 'used' } }],
    },
  ],
};
