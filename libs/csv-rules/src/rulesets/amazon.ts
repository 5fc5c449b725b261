import type { RulesetDefinition } from './ruleset-definition';

const SKU_PATTERN = { rule: 'pattern', pattern: '^[A-Za-z0-9._-]+$', hint: 'only letters, digits, ".", "_" and "-" are allowed' } as const;

export const amazonDefault: RulesetDefinition = {
  marketplace: 'amazon',
  name: 'default',
  description: 'Amazon (amazon.com.br) inventory file, offer and listing columns',
  source: 'Column names of the Amazon inventory file template; limits as configured here',
  columns: [
    {
      name: 'item_sku',
      aliases: ['sku', 'seller_sku'],
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'max_length', max: 40 }, SKU_PATTERN, { rule: 'unique' }],
    },
    {
      name: 'item_name',
      aliases: ['title', 'titulo', 'product_name'],
      fixes: ['whitespace'],
      rules: [{ rule: 'required' }, { rule: 'max_length', max: 200 }],
    },
    { name: 'brand_name', aliases: ['brand', 'marca'], fixes: ['whitespace'], rules: [{ rule: 'required' }, { rule: 'max_length', max: 100 }] },
    {
      name: 'external_product_id',
      aliases: ['gtin', 'ean', 'upc', 'product_id'],
      fixes: ['gtin_digits'],
      rules: [{ rule: 'required' }, { rule: 'gtin' }],
    },
    { name: 'asin', fixes: ['trim'], rules: [{ rule: 'custom', name: 'asin' }] },
    {
      name: 'standard_price',
      aliases: ['price', 'preco'],
      fixes: ['trim', 'decimal_comma'],
      rules: [{ rule: 'required' }, { rule: 'number' }, { rule: 'positive' }, { rule: 'decimals', max: 2 }],
    },
    {
      name: 'sale_price',
      aliases: ['preco_promocional'],
      fixes: ['trim', 'decimal_comma'],
      rules: [
        { rule: 'number' },
        { rule: 'positive' },
        { rule: 'decimals', max: 2 },
        { rule: 'not_greater_than', column: 'standard_price' },
      ],
    },
    {
      name: 'quantity',
      aliases: ['available_quantity', 'quantidade', 'estoque'],
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'integer' }, { rule: 'range', min: 0, max: 999_999 }],
    },
    {
      name: 'condition_type',
      aliases: ['condition', 'condicao'],
      fixes: ['trim', 'enum_synonyms'],
      rules: [
        { rule: 'required' },
        {
          rule: 'enum',
          values: ['new', 'used_like_new', 'used_very_good', 'used_good', 'used_acceptable', 'refurbished'],
          synonyms: { novo: 'new', recondicionado: 'refurbished' },
        },
      ],
    },
    {
      name: 'product_description',
      aliases: ['description', 'descricao'],
      fixes: ['whitespace'],
      rules: [{ rule: 'max_length', max: 2_000, severity: 'warning' }],
    },
    {
      name: 'main_image_url',
      aliases: ['image', 'imagem', 'imagem_principal'],
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'url', schemes: ['https'] }],
    },
    {
      name: 'other_image_urls',
      aliases: ['imagens_adicionais'],
      list: { separators: ['|', ','] },
      fixes: ['trim'],
      rules: [{ rule: 'url', schemes: ['https'] }, { rule: 'max_items', max: 8 }],
    },
  ],
};
