export {
  isTerminalStatus,
  TERMINAL_STATUSES,
  type CreatedJob,
  type CreateJobRequest,
  type Job,
  type JobEvent,
  type JobList,
  type JobResult,
  type JobStatus,
  type ListJobsQuery,
  type paths,
  type Plan,
  type Problem,
  type ResultPart,
  type UploadedFile,
  type CreateWorkflowRequest,
  type Workflow,
  type WorkflowStep,
} from './api-types';
export {
  createJobsClient,
  JobsClient,
  type CreateJobAnswer,
  type CreateJobOptions,
  type JobsClientOptions,
  type RequestOptions,
} from './jobs-client';
export { ApiProblemError } from './problem-error';
export { WaitTimeoutError, type FollowMode, type WaitForJobOptions } from './wait-for-job';
