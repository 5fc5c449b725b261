import { hasRuleset, listMarketplaces } from '@validahub/csv-rules';
import { fields, ParamsOf, paramsSchema } from '@validahub/jobs-domain';

/** Params of validate_csv_job and correct_csv_job; they differ only in auto_fix's default. */
export function csvJobParams(autoFixDefault: boolean) {
  return paramsSchema({
    input_uri: fields.string({ min: 1, max: 2048 }).required(),
    marketplace: fields.string({ oneOf: listMarketplaces().map((m) => m.marketplace) }).default('generic'),
    category: fields.string({ min: 1, max: 100 }),
    ruleset: fields.string({ min: 1, max: 100 }).default('default'),
    auto_fix: fields.boolean().default(autoFixDefault),
  }).refine(({ marketplace, ruleset }) =>
    hasRuleset(marketplace, ruleset) ? [] : [{ field: 'params.ruleset', message: `marketplace ${marketplace} has no ruleset "${ruleset}"` }],
  );
}

export type CsvJobParams = ParamsOf<ReturnType<typeof csvJobParams>>;
