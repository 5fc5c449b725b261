import type { components, operations, paths } from './generated/api-types';

// Names for the generated schemas: what callers of the client spell in their own code.
type Schemas = components['schemas'];
export type { paths };
export type Job = Schemas['Job'];
export type CreatedJob = Schemas['CreatedJob'];
export type JobList = Schemas['JobList'];
export type JobEvent = Schemas['JobEvent'];
export type JobResult = Schemas['JobResult'];
export type UploadedFile = Schemas['UploadedFile'];
export type Problem = Schemas['Problem'];
export type CreateJobRequest = Schemas['CreateJobRequest'];
export type JobStatus = Job['status'];
export type Plan = Job['plan'];
export type ListJobsQuery = NonNullable<operations['listJobs']['parameters']['query']>;
export type Workflow = Schemas['Workflow'];
export type WorkflowStep = Schemas['WorkflowStep'];
export type CreateWorkflowRequest = Schemas['CreateWorkflowDto'];

/**
 * Artefacts of a CSV job's result: the report (JSON), the corrected CSV, and the report's
 * renderings (the issues as CSV, a self-contained HTML page).
 */
export type ResultPart = 'report' | 'corrected' | 'issues_csv' | 'report_html';

export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'expired'];
export const isTerminalStatus = (status: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status);
