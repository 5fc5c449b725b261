export { JobEntity, ANONYMOUS_TENANT } from './entities/job.entity';
export { JobEventEntity, type JobEventActor } from './entities/job-event.entity';
export {
  JOBS_ENTITIES,
  JOBS_MIGRATIONS,
  PG_DEFAULTS,
  jobsDataSourceOptions,
  createJobsDataSource,
  runPendingMigrations,
  type DataSourceSettings,
} from './data-source';
export { migrateWithLock } from './migrate';
export { JobRepository, type CreateJobOptions, type CancelOutcome } from './job-repository';
export { applyJobEvent, applyJobEvents, type ApplyOutcome } from './event-writer';
export { guardedTransition, insertAuditRow, type TransitionRequest, type TransitionChanges, type AuditRow } from './transitions';
export type { NewJob, JobListFilter, JobPage } from './job-records';
export { UnfinishedJobs } from './unfinished-jobs';
