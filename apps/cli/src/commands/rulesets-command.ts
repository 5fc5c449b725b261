import Table from 'cli-table3';
import { listMarketplaces } from '@validahub/csv-rules';
import { COMPACT_CHARS } from '../output/report-tables';

/** `validahub rulesets`: what --marketplace, --ruleset and --category accept. */
export function printRulesets(stdout: NodeJS.WritableStream): void {
  const table = new Table({
    head: ['marketplace', 'ruleset', 'categories', 'columns'],
    style: { head: [], border: [] },
    chars: COMPACT_CHARS,
    wordWrap: true,
    colWidths: [16, 10, 14, 60],
  });
  for (const { marketplace, rulesets } of listMarketplaces()) {
    for (const ruleset of rulesets) {
      table.push([marketplace, ruleset.name, ruleset.categories.join(', ') || '-', ruleset.columns.join(', ') || '(structural checks only)']);
    }
  }
  stdout.write(`${table.toString()}\n`);
}
