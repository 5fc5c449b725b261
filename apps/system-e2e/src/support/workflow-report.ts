import { waitFor } from '@validahub/testing';
import { ApiClient, AuditEntry, JobView } from './api-client';
import { auditProblems } from './audit';
import { recordSummary } from './scenario-report';

export interface WorkflowStepJson {
  id: string;
  status: string;
  job_id: string | null;
}

export interface WorkflowJson {
  id: string;
  status: string;
  steps: WorkflowStepJson[];
}

export interface WorkflowVerdict {
  workflow: WorkflowJson;
  steps: number;
  ranOnce: number;
  lost: number;
  duplicated: number;
  /** One line per step that did not run exactly once, with the reason. */
  problems: string[];
  line: string;
}

export async function createWorkflow(api: ApiClient, body: Record<string, unknown>): Promise<WorkflowJson> {
  const answer = await api.request<WorkflowJson>('POST', '/api/v1/workflows', body);
  if (answer.status !== 202) throw new Error(`create workflow answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function getWorkflow(api: ApiClient, id: string): Promise<WorkflowJson> {
  const answer = await api.request<WorkflowJson>('GET', `/api/v1/workflows/${id}`);
  if (answer.status !== 200) throw new Error(`GET workflow ${id} answered ${answer.status}`);
  return answer.body;
}

/** The workflow once `predicate` holds (e.g. a step got its job). */
export async function waitForWorkflow(
  api: ApiClient,
  id: string,
  predicate: (workflow: WorkflowJson) => boolean,
  timeoutMs: number,
  what: string,
): Promise<WorkflowJson> {
  let seen: WorkflowJson | undefined;
  await waitFor(
    async () => {
      seen = (await getWorkflow(api, id).catch(() => undefined)) ?? seen;
      return seen !== undefined && predicate(seen);
    },
    timeoutMs,
    what,
  );
  return seen as WorkflowJson;
}

/**
 * Waits for a workflow to end and judges whether every step ran exactly once, from Postgres's
 * record of it (the jobs listed with its `workflow_id`, each job's audit trail): a step ran once
 * when exactly one job exists for it and that job's trail is consistent with exactly one
 * `-> succeeded`; a step without a succeeded job is lost; an extra job for a step, or a second
 * success in a trail, is a duplicate. Prints `steps: N, ran once N, lost 0, duplicated 0`.
 */
export async function judgeWorkflow(name: string, api: ApiClient, workflowId: string, timeoutMs: number): Promise<WorkflowVerdict> {
  const problems: string[] = [];
  let workflow = await getWorkflow(api, workflowId);
  try {
    workflow = await waitForWorkflow(api, workflowId, (w) => w.status !== 'running', timeoutMs, `workflow ${workflowId} to end`);
  } catch {
    problems.push(`workflow still ${workflow.status} after ${timeoutMs} ms`);
  }
  if (workflow.status !== 'succeeded') problems.push(`workflow ended ${workflow.status}, expected succeeded`);
  const jobs = (await api.allJobs()).filter((job) => job.workflow_id === workflowId);
  let ranOnce = 0;
  let lost = 0;
  let duplicated = 0;
  for (const step of workflow.steps) {
    const stepJobs = jobs.filter((job) => job.step_id === step.id);
    const trails = await Promise.all(stepJobs.map(async (job) => ({ job, trail: await api.events(job.id) })));
    const successes = trails.reduce((sum, { trail }) => sum + trail.filter((e) => e.to_status === 'succeeded').length, 0);
    const stepProblems = trails.flatMap(({ job, trail }) => auditProblems(job, trail).map((p) => `job ${job.id}: ${p}`));
    if (step.status !== 'succeeded') stepProblems.push(`step is ${step.status}`);
    if (stepJobs.length > 1) stepProblems.push(`${stepJobs.length} jobs (${stepJobs.map((j) => j.id).join(', ')})`);
    if (successes > 1) stepProblems.push(`${successes} successes`);
    if (step.job_id && !stepJobs.some((job) => job.id === step.job_id)) stepProblems.push(`its job ${step.job_id} is not listed`);
    if (successes === 0) lost += 1;
    duplicated += Math.max(0, stepJobs.length - 1) + Math.max(0, successes - 1);
    if (stepProblems.length) problems.push(`step ${step.id}: ${stepProblems.join('; ')} | ${describeTrails(trails)}`);
    else ranOnce += 1;
  }
  const strangers = jobs.filter((job) => !workflow.steps.some((step) => step.id === job.step_id));
  duplicated += strangers.length;
  for (const job of strangers) problems.push(`${job.id}: a job for unknown step ${job.step_id}`);
  const line = `scenario ${name}: steps: ${workflow.steps.length}, ran once ${ranOnce}, lost ${lost}, duplicated ${duplicated}`;
  recordSummary(name, line);
  return { workflow, steps: workflow.steps.length, ranOnce, lost, duplicated, problems, line };
}

function describeTrails(trails: { job: JobView; trail: AuditEntry[] }[]): string {
  return trails
    .map(({ job, trail }) => `${job.id}: ${trail.map((e) => `${e.from_status ?? 'null'}->${e.to_status}#${e.attempt}(${e.actor})`).join(', ')}`)
    .join(' / ');
}
