import { canTransition, isJobStatus, isTerminal } from '@validahub/jobs-domain';
import { ApiClient, AuditEntry, JobView } from './api-client';

/**
 * What is wrong with a job's audit trail, empty when it is consistent: it starts with
 * `null -> queued`, every step is a transition the contract allows and starts where the
 * previous one ended, attempt numbers never go down, timestamps never go backwards, and it
 * ends with exactly one terminal status, which is the job's status.
 */
export function auditProblems(job: JobView, trail: AuditEntry[]): string[] {
  const problems: string[] = [];
  if (!trail.length) return ['empty audit trail'];
  const [first] = trail;
  if (first.from_status !== null || first.to_status !== 'queued')
    problems.push(`starts with ${first.from_status} -> ${first.to_status}, not null -> queued`);
  for (let i = 1; i < trail.length; i += 1) {
    const previous = trail[i - 1];
    const step = trail[i];
    const from = step.from_status;
    if (from !== previous.to_status) problems.push(`step ${i} starts at ${from} but the job was ${previous.to_status}`);
    const selfStart = from === 'running' && step.to_status === 'running';
    if (!isJobStatus(from) || !isJobStatus(step.to_status) || !(canTransition(from, step.to_status) || selfStart)) {
      problems.push(`step ${i}: ${from} -> ${step.to_status} is not an allowed transition`);
    }
    if (selfStart && step.attempt <= previous.attempt) problems.push(`step ${i}: running -> running without a new attempt`);
    if (step.attempt < previous.attempt) problems.push(`step ${i}: attempt went down from ${previous.attempt} to ${step.attempt}`);
    if (Date.parse(step.at) < Date.parse(previous.at)) problems.push(`step ${i}: time went backwards`);
  }
  const terminals = trail.filter((e) => isJobStatus(e.to_status) && isTerminal(e.to_status));
  if (terminals.length !== 1) problems.push(`${terminals.length} terminal steps (${terminals.map((t) => t.to_status).join(', ')})`);
  const last = trail[trail.length - 1];
  if (last.to_status !== job.status) problems.push(`trail ends at ${last.to_status} but the job is ${job.status}`);
  if (!isJobStatus(last.to_status) || !isTerminal(last.to_status)) problems.push(`trail ends at non-terminal ${last.to_status}`);
  return problems;
}

/** Starts of attempts recorded in a trail, in order (`-> running`). */
export function attemptStarts(trail: AuditEntry[]): AuditEntry[] {
  return trail.filter((e) => e.to_status === 'running');
}

export interface JobOutcome {
  job: JobView;
  trail: AuditEntry[];
}

/** Polls until every job is terminal or the time is up; jobs still unfinished are returned as `pending`. */
export async function waitForTerminal(
  api: ApiClient,
  ids: string[],
  timeoutMs: number,
): Promise<{ outcomes: Map<string, JobOutcome>; pending: string[] }> {
  const until = Date.now() + timeoutMs;
  const outcomes = new Map<string, JobOutcome>();
  const last = new Map<string, string>();
  for (;;) {
    for (const id of ids) {
      if (outcomes.has(id)) continue;
      const job = await api.job(id).catch(() => null);
      if (!job) continue;
      last.set(id, job.status);
      if (isJobStatus(job.status) && isTerminal(job.status)) outcomes.set(id, { job, trail: await api.events(id) });
    }
    if (outcomes.size === ids.length || Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const pending = ids.filter((id) => !outcomes.has(id)).map((id) => `${id} still ${last.get(id) ?? 'unreadable'}`);
  return { outcomes, pending };
}
