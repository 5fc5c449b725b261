import { RulesetDefinitionError } from '../errors';
import { CUSTOM_RULES } from '../rules/custom';
import type { RuleKind } from '../rules/rule-kind';
import { RULE_KINDS } from '../rules/rule-kinds';
import { SpecFields } from '../rules/spec-fields';
import type { LoadedRule } from './loaded-ruleset';

export interface RuleListContext {
  where: string;
  isList: boolean;
  knownColumns: ReadonlySet<string>;
  inCategory: boolean;
  /** Rules that run before these (a category's rules come after the column's own). */
  earlierRules: readonly LoadedRule[];
}

/** Checks and resolves one column's list of rule specs. */
export function loadRules(specs: unknown, context: RuleListContext): LoadedRule[] {
  if (!Array.isArray(specs)) throw new RulesetDefinitionError(context.where, '"rules" must be a list');
  const loaded: LoadedRule[] = [];
  specs.forEach((spec: unknown, index) => {
    const where = `${context.where}, rule ${index + 1}`;
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw new RulesetDefinitionError(where, 'must be an object like { rule: "required" }');
    }
    const record = spec as Record<string, unknown>;
    const { kind, id, fields } = resolveKind(record, where);
    const severity = record['severity'] ?? 'error';
    if (severity !== 'error' && severity !== 'warning') fields.fail('"severity" must be "error" or "warning"');
    if (kind.id === 'required_for_category' && !context.inCategory) {
      fields.fail('required_for_category belongs inside a category (categories.<name>.columns)');
    }
    if (kind.needsList && !context.isList) fields.fail(`${kind.id} needs a list column (set "list" on the column)`);
    const params = kind.parse(fields);
    const earlier = [...context.earlierRules, ...loaded];
    const needsEarlier = kind.needsEarlier;
    if (needsEarlier && !earlier.some((rule) => needsEarlier.includes(rule.kind.id))) {
      fields.fail(`${kind.id} must come after one of: ${kind.needsEarlier.join(', ')}`);
    }
    for (const column of kind.referencedColumns?.(params) ?? []) {
      if (!context.knownColumns.has(column)) fields.fail(`refers to column "${column}", which the ruleset does not define`);
    }
    if (loaded.some((rule) => rule.id === id)) fields.fail(`${id} is declared twice for this column`);
    loaded.push({ id, kind, params, severity: severity as LoadedRule['severity'] });
  });
  return loaded;
}

function resolveKind(record: Record<string, unknown>, where: string): { kind: RuleKind; id: string; fields: SpecFields } {
  const ruleId = record['rule'];
  if (typeof ruleId !== 'string') throw new RulesetDefinitionError(where, '"rule" must name a rule kind');
  const labelled = `${where} (${ruleId})`;
  if (ruleId !== 'custom') {
    const kind = RULE_KINDS.get(ruleId);
    if (!kind) {
      throw new RulesetDefinitionError(labelled, `unknown rule kind; known: ${[...RULE_KINDS.keys(), 'custom'].join(', ')}`);
    }
    return { kind, id: ruleId, fields: new SpecFields(record, labelled) };
  }
  const outer: SpecFields = new SpecFields(record, labelled);
  const name = outer.text('name');
  const params = outer.object('params') ?? {};
  outer.rejectUnknown();
  const kind = CUSTOM_RULES.get(name);
  if (!kind) outer.fail(`unknown custom rule "${name}"; known: ${[...CUSTOM_RULES.keys()].join(', ')}`);
  return { kind, id: name, fields: new SpecFields(params, `${where} (custom ${name})`) };
}
