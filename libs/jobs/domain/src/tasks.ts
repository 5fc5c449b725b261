import { hasRuleset, listMarketplaces } from '@validahub/csv-rules';
import { FieldError, fields, ParseResult, paramsSchema } from './params';

/** Stable task names (the wire values). */
export const TASK_NAMES = {
  validateCsv: 'validate_csv_job',
  correctCsv: 'correct_csv_job',
  syncConnector: 'sync_connector_job',
  generateReport: 'generate_report_job',
  /** Test-only tasks, registered when a deployment enables them (benchmarks, fault-injection tests). */
  noop: 'noop_job',
  sleep: 'sleep_job',
  flaky: 'flaky_job',
} as const;
export type TaskName = (typeof TASK_NAMES)[keyof typeof TASK_NAMES];

export interface CsvJobParams {
  input_uri: string;
  marketplace: string;
  category?: string;
  ruleset: string;
  auto_fix: boolean;
}

export interface SleepJobParams {
  ms: number;
  /** Keep running after the abort signal fires (to prove the hard time limit). */
  ignore_signal: boolean;
}

export interface FlakyJobParams {
  /** Attempts that fail with a transient error before one succeeds. */
  fail_times: number;
  /** When true the failure is permanent instead. */
  permanent: boolean;
}

export interface TaskDefinition<P = unknown> {
  name: TaskName;
  description: string;
  /** False for names the contract reserves but this release has no handler for. */
  available: boolean;
  testOnly: boolean;
  /** Overrides of the deployment defaults (TASK_TIME_LIMIT, MAX_RETRIES). */
  defaults: { timeLimitSeconds?: number; maxRetries?: number };
  parseParams(raw: unknown): ParseResult<P>;
}

function csvParams(raw: unknown, autoFixDefault: boolean): ParseResult<CsvJobParams> {
  const parsed = paramsSchema({
    input_uri: fields.string({ min: 1, max: 2048 }).required(),
    marketplace: fields.string({ oneOf: listMarketplaces().map((m) => m.marketplace) }).default('generic'),
    category: fields.string({ min: 1, max: 100 }),
    ruleset: fields.string({ min: 1, max: 100 }).default('default'),
    auto_fix: fields.boolean().default(autoFixDefault),
  }).parse(raw);
  if (!parsed.ok) return parsed;
  const { marketplace, ruleset } = parsed.value;
  if (!hasRuleset(marketplace, ruleset)) {
    const errors: FieldError[] = [{ field: 'params.ruleset', message: `marketplace ${marketplace} has no ruleset "${ruleset}"` }];
    return { ok: false, errors };
  }
  return parsed;
}

const reserved = (name: TaskName, description: string): TaskDefinition<never> => ({
  name,
  description,
  available: false,
  testOnly: false,
  defaults: {},
  parseParams: () => ({ ok: false, errors: [{ field: 'task', message: `${name} is reserved by the contract but not available in this release` }] }),
});

export const TASK_DEFINITIONS: readonly TaskDefinition[] = [
  {
    name: TASK_NAMES.validateCsv,
    description: 'Validate a product-feed CSV against a marketplace ruleset (optionally auto-fixing).',
    available: true,
    testOnly: false,
    defaults: {},
    parseParams: (raw) => csvParams(raw, false),
  },
  {
    name: TASK_NAMES.correctCsv,
    description: 'Validate and auto-fix a CSV; the result is the corrected CSV plus its report.',
    available: true,
    testOnly: false,
    defaults: {},
    parseParams: (raw) => csvParams(raw, true),
  },
  reserved(TASK_NAMES.syncConnector, 'Sync data from an external connector.'),
  reserved(TASK_NAMES.generateReport, 'Generate an analytics report.'),
  {
    name: TASK_NAMES.noop,
    description: 'Test-only: does nothing (benchmarks).',
    available: true,
    testOnly: true,
    defaults: {},
    parseParams: (raw) => paramsSchema({}).parse(raw),
  },
  {
    name: TASK_NAMES.sleep,
    description: 'Test-only: sleeps, honouring or ignoring the abort signal.',
    available: true,
    testOnly: true,
    defaults: {},
    parseParams: (raw) =>
      paramsSchema({
        ms: fields.integer({ min: 0, max: 3_600_000 }).required(),
        ignore_signal: fields.boolean().default(false),
      }).parse(raw),
  },
  {
    name: TASK_NAMES.flaky,
    description: 'Test-only: fails a given number of attempts, then succeeds.',
    available: true,
    testOnly: true,
    defaults: {},
    parseParams: (raw) =>
      paramsSchema({
        fail_times: fields.integer({ min: 0, max: 100 }).required(),
        permanent: fields.boolean().default(false),
      }).parse(raw),
  },
];
