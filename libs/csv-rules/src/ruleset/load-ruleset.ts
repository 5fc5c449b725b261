import { RulesetDefinitionError } from '../errors';
import { FIX_KINDS } from '../fixes/fix-kinds';
import { normalizeName } from '../headers/normalize-name';
import { SpecFields } from '../rules/spec-fields';
import type { FixName, RulesetDefinition } from '../rulesets/ruleset-definition';
import type { LoadedCategory, LoadedColumn, LoadedFix, LoadedRule, LoadedRuleset } from './loaded-ruleset';
import { loadRules } from './load-rules';

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/**
 * Checks a ruleset's data and resolves it for the engine. Every mistake (unknown rule kind or
 * field, bad regular expression, alias claimed twice, category rule for an unknown column...)
 * throws a RulesetDefinitionError naming the ruleset, column and rule.
 */
export function loadRuleset(definition: unknown): LoadedRuleset {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw new RulesetDefinitionError('ruleset', 'must be an object');
  }
  const top = new SpecFields(definition as Record<string, unknown>, 'ruleset');
  const marketplace = identifier(top, 'marketplace');
  const name = identifier(top, 'name');
  const where = `ruleset ${marketplace}/${name}`;
  const fields: SpecFields = new SpecFields(definition as Record<string, unknown>, where);
  fields.text('marketplace');
  fields.text('name');
  const description = fields.text('description');
  const source = fields.text('source', true) ?? null;
  const columnSpecs = fields.raw('columns');
  const categorySpecs = fields.object('categories') ?? {};
  fields.rejectUnknown();
  if (!Array.isArray(columnSpecs)) fields.fail('"columns" must be a list (empty for structural checks only)');

  const columnNames = new Set<string>();
  for (const spec of columnSpecs) {
    const columnName = (spec as { name?: unknown } | null)?.name;
    if (typeof columnName === 'string') columnNames.add(columnName);
  }
  const columns = columnSpecs.map((spec: unknown, index) => loadColumn(spec, `${where}, column ${index + 1}`, columnNames));
  const columnByName = new Map<string, LoadedColumn>();
  const columnByHeaderKey = new Map<string, LoadedColumn>();
  for (const column of columns) {
    if (columnByName.has(column.name)) fields.fail(`column "${column.name}" is defined twice`);
    columnByName.set(column.name, column);
    for (const spelling of [column.name, ...column.aliases]) {
      const key = normalizeName(spelling);
      const owner = columnByHeaderKey.get(key);
      if (owner && owner !== column) {
        fields.fail(`header "${spelling}" of column "${column.name}" is already claimed by column "${owner.name}"`);
      }
      columnByHeaderKey.set(key, column);
    }
  }

  const categories = Object.entries(categorySpecs).map(([categoryName, spec]) =>
    loadCategory(categoryName, spec, `${where}, category "${categoryName}"`, columnByName),
  );
  const categoryByKey = new Map<string, LoadedCategory>();
  for (const category of categories) {
    for (const spelling of [category.name, ...category.aliases]) {
      const key = normalizeName(spelling);
      const owner = categoryByKey.get(key);
      if (owner && owner !== category) fields.fail(`category name "${spelling}" is used by "${owner.name}" too`);
      categoryByKey.set(key, category);
    }
  }

  return {
    marketplace,
    name,
    description,
    source,
    columns,
    columnByName,
    columnByHeaderKey,
    categories,
    categoryByKey,
    definition: definition as RulesetDefinition,
  };
}

function identifier(fields: SpecFields, field: string): string {
  const value = fields.text(field);
  if (!IDENTIFIER.test(value)) fields.fail(`"${field}" must be lower_snake_case, got ${JSON.stringify(value)}`);
  return value;
}

function loadColumn(spec: unknown, where: string, knownColumns: ReadonlySet<string>): LoadedColumn {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new RulesetDefinitionError(where, 'must be an object');
  const record = spec as Record<string, unknown>;
  const named = new SpecFields(record, where);
  const name = identifier(named, 'name');
  const fields: SpecFields = new SpecFields(record, `${where.replace(/column \d+$/, '')}column "${name}"`);
  fields.text('name');
  const aliases = fields.textList('aliases', true) ?? [];
  const description = fields.text('description', true) ?? null;
  const defaultValue = fields.text('default', true) ?? null;
  const listSpec = fields.object('list');
  const fixNames = fields.textList('fixes', true) ?? [];
  const ruleSpecs = fields.raw('rules');
  fields.rejectUnknown();

  let list: LoadedColumn['list'] = null;
  if (listSpec) {
    const listFields = new SpecFields(listSpec, `${fields.where}, list`);
    list = { separators: listFields.textList('separators') };
    listFields.rejectUnknown();
    const long = list.separators.find((separator) => separator.length !== 1);
    if (long !== undefined) listFields.fail(`separators must be single characters, got ${JSON.stringify(long)}`);
  }
  const rules = loadRules(ruleSpecs, { where: fields.where, isList: list !== null, knownColumns, inCategory: false, earlierRules: [] });
  const fixes = fixNames.map((fixName): LoadedFix => {
    const kind = FIX_KINDS.get(fixName);
    if (!kind) fields.fail(`unknown fix "${fixName}"; known: ${[...FIX_KINDS.keys()].join(', ')}`);
    const fixFields = new SpecFields({}, `${fields.where}, fix "${fixName}"`);
    const target = { column: name, rules: rules.map((rule) => ({ kindId: rule.kind.id, params: rule.params })) };
    return { id: fixName as FixName, stage: kind.stage, describe: kind.describe, apply: kind.compile(target, fixFields) };
  });
  if (fixes.filter((fix) => fix.stage === 'normalize').length > 1) {
    fields.fail('lists more than one whitespace fix (use "trim" or "whitespace", not both)');
  }
  return { name, description, aliases, defaultValue, list, fixes, rules };
}

function loadCategory(
  name: string,
  spec: unknown,
  where: string,
  columnByName: ReadonlyMap<string, LoadedColumn>,
): LoadedCategory {
  if (!IDENTIFIER.test(name)) throw new RulesetDefinitionError(where, 'category names must be lower_snake_case');
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new RulesetDefinitionError(where, 'must be an object');
  const fields: SpecFields = new SpecFields(spec as Record<string, unknown>, where);
  const description = fields.text('description', true) ?? null;
  const aliases = fields.textList('aliases', true) ?? [];
  const columnRules = fields.object('columns');
  fields.rejectUnknown();
  if (!columnRules) fields.fail('"columns" is required (the extra rules per column)');

  const rulesByColumn = new Map<string, readonly LoadedRule[]>();
  for (const [columnName, specs] of Object.entries(columnRules)) {
    const column = columnByName.get(columnName);
    if (!column) fields.fail(`has rules for column "${columnName}", which the ruleset does not define`);
    const rules = loadRules(specs, {
      where: `${where}, column "${columnName}"`,
      isList: column.list !== null,
      knownColumns: new Set(columnByName.keys()),
      inCategory: true,
      earlierRules: column.rules,
    });
    const clash = rules.find((rule) => column.rules.some((base) => base.id === rule.id));
    if (clash) fields.fail(`column "${columnName}" already has a ${clash.id} rule outside the category`);
    rulesByColumn.set(columnName, rules);
  }
  return { name, description, aliases, rulesByColumn };
}
