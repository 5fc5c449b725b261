import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@validahub/testing';
import { ApiClient } from './api-client';
import { auditProblems, JobOutcome, waitForTerminal } from './audit';

export const SUMMARY_FILE = join(WORKSPACE_ROOT, 'tmp', 'test-results', 'reliability-summary.txt');

/** What one submitted job must end as; `check` adds scenario-specific problems (empty = fine). */
export interface Expectation {
  id: string;
  /** The terminal status it must end in (several: any one of them, e.g. a cancel racing completion). */
  status: string | readonly string[];
  check?: (outcome: JobOutcome) => string[];
}

export interface ScenarioVerdict {
  name: string;
  submitted: number;
  asExpected: number;
  lost: number;
  duplicated: number;
  /** One line per job that did not end as expected, with the reason. */
  problems: string[];
  outcomes: Map<string, JobOutcome>;
  line: string;
}

/**
 * Waits for every job of a scenario to finish and judges the batch: each job ends in exactly
 * one terminal state, the expected one, with a consistent audit trail; a job that never ends
 * is lost; a job with two terminal steps, or a job row nobody submitted, is a duplicate.
 * Prints the scenario's summary line and records it in SUMMARY_FILE.
 */
export interface JudgeOptions {
  timeoutMs: number;
  /** Jobs of other scenarios sharing the same database (not counted as strangers). */
  foreignIds?: Iterable<string>;
}

export async function judgeScenario(name: string, api: ApiClient, expected: Expectation[], options: JudgeOptions): Promise<ScenarioVerdict> {
  const ids = expected.map((e) => e.id);
  const { outcomes, pending } = await waitForTerminal(api, ids, options.timeoutMs);
  const problems = [...pending];
  let asExpected = 0;
  let duplicated = 0;
  for (const expectation of expected) {
    const outcome = outcomes.get(expectation.id);
    if (!outcome) continue;
    const jobProblems = auditProblems(outcome.job, outcome.trail);
    if (outcome.trail.filter((e) => ['succeeded', 'failed', 'cancelled', 'expired'].includes(e.to_status)).length > 1) duplicated += 1;
    const allowed: readonly string[] = typeof expectation.status === 'string' ? [expectation.status] : expectation.status;
    if (!allowed.includes(outcome.job.status)) jobProblems.push(`ended ${outcome.job.status}, expected ${allowed.join(' or ')}`);
    jobProblems.push(...(expectation.check?.(outcome) ?? []));
    if (jobProblems.length) problems.push(`${expectation.id}: ${jobProblems.join('; ')} | trail: ${describeTrail(outcome)}`);
    else asExpected += 1;
  }
  const known = new Set([...ids, ...(options.foreignIds ?? [])]);
  const strangers = (await api.allJobs()).filter((job) => !known.has(job.id));
  duplicated += strangers.length;
  for (const job of strangers) problems.push(`${job.id}: a job row nobody submitted (${job.task_name}, ${job.status})`);
  const lost = pending.length;
  const line = `scenario ${name}: submitted ${expected.length}, ended as expected ${asExpected}, lost ${lost}, duplicated ${duplicated}`;
  recordSummary(name, line);
  return { name, submitted: expected.length, asExpected, lost, duplicated, problems, outcomes, line };
}

function describeTrail(outcome: JobOutcome): string {
  return outcome.trail
    .map((e) => `${e.from_status ?? 'null'}->${e.to_status}#${e.attempt}(${e.actor}${e.message ? `: ${e.message}` : ''})`)
    .join(', ');
}

/** Prints the line and keeps the latest line per scenario in the summary file. */
export function recordSummary(name: string, line: string): void {
  console.log(line);
  mkdirSync(join(SUMMARY_FILE, '..'), { recursive: true });
  let kept: string[] = [];
  try {
    kept = readFileSync(SUMMARY_FILE, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith(`scenario ${name}:`));
  } catch {
    // first scenario of the run
  }
  writeFileSync(SUMMARY_FILE, [...kept, line].join('\n') + '\n');
}
