import type { RulesetDefinition } from './ruleset-definition';

export const mercadoLivreDefault: RulesetDefinition = {
  marketplace: 'mercado_livre',
  name: 'default',
  description: 'Mercado Livre listings (MLB and the other sites in the currency list)',
  source: 'ValidaHub CSV rules contract, "mercado_livre ruleset default"',
  columns: [
    {
      name: 'sku',
      aliases: ['seller_sku', 'sku_vendedor', 'codigo', 'código', 'seller_custom_field'],
      description: "The seller's own product code, unique in the file",
      fixes: ['trim'],
      rules: [
        { rule: 'required' },
        { rule: 'max_length', max: 50 },
        { rule: 'pattern', pattern: '^[A-Za-z0-9._-]+$', hint: 'only letters, digits, ".", "_" and "-" are allowed' },
        { rule: 'unique' },
      ],
    },
    {
      name: 'title',
      aliases: ['titulo', 'título', 'nome', 'nome_do_produto'],
      fixes: ['whitespace'],
      rules: [{ rule: 'required' }, { rule: 'max_length', max: 60 }],
    },
    {
      name: 'description',
      aliases: ['descricao', 'descrição'],
      fixes: ['whitespace'],
      rules: [{ rule: 'max_length', max: 50_000, severity: 'warning' }],
    },
    {
      name: 'price',
      aliases: ['preco', 'preço', 'valor'],
      description: 'Decimal with "." as separator and at most 2 decimals',
      fixes: ['trim', 'decimal_comma'],
      rules: [{ rule: 'required' }, { rule: 'number' }, { rule: 'positive' }, { rule: 'decimals', max: 2 }],
    },
    {
      name: 'currency',
      aliases: ['moeda', 'currency_id'],
      default: 'BRL',
      fixes: ['trim', 'enum_synonyms'],
      rules: [
        { rule: 'enum', values: ['BRL', 'ARS', 'MXN', 'CLP', 'COP', 'UYU', 'PEN'], synonyms: { 'R$': 'BRL', real: 'BRL', reais: 'BRL' } },
      ],
    },
    {
      name: 'available_quantity',
      aliases: ['quantidade', 'quantidade_disponivel', 'estoque'],
      fixes: ['trim'],
      rules: [{ rule: 'required' }, { rule: 'integer' }, { rule: 'range', min: 0, max: 99_999 }],
    },
    {
      name: 'condition',
      aliases: ['condicao', 'condição'],
      fixes: ['trim', 'enum_synonyms'],
      rules: [
        { rule: 'required' },
        {
          rule: 'enum',
          values: ['new', 'used', 'not_specified'],
          synonyms: { novo: 'new', nova: 'new', usado: 'used', usada: 'used', 'não especificado': 'not_specified' },
        },
      ],
    },
    { name: 'brand', aliases: ['marca'], fixes: ['whitespace'], rules: [] },
    { name: 'model', aliases: ['modelo'], fixes: ['whitespace'], rules: [] },
    {
      name: 'gtin',
      aliases: ['ean', 'upc', 'codigo_de_barras', 'código de barras'],
      description: 'GTIN-8, -12 (UPC), -13 (EAN) or -14 with a valid check digit',
      fixes: ['gtin_digits'],
      rules: [{ rule: 'gtin' }],
    },
    {
      name: 'pictures',
      aliases: ['imagens', 'fotos', 'picture_urls'],
      description: 'Up to 10 https:// URLs separated by | (or by , when no | is present)',
      list: { separators: ['|', ','] },
      fixes: ['trim'],
      rules: [{ rule: 'url', schemes: ['https'] }, { rule: 'max_items', max: 10 }],
    },
  ],
  categories: {
    electronics: {
      description: 'Electronics: brand, model and GTIN are mandatory',
      aliases: ['eletronicos', 'eletrônicos'],
      columns: {
        brand: [{ rule: 'required_for_category' }],
        model: [{ rule: 'required_for_category' }],
        gtin: [{ rule: 'required_for_category' }],
      },
    },
  },
};
