export { JobEntity } from './entities/job.entity';
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
export { LIST_TOTAL_CAP, jobListStatement, type JobListStatement } from './job-list-query';
export { JobRepository, type CreateJobOptions, type CancelOutcome } from './job-repository';
export { applyJobEvent, applyJobEvents } from './event-writer';
export type { ApplyOutcome } from './apply-outcome';
export { guardedTransition, type TransitionRequest, type TransitionChanges } from './transitions';
export { insertAuditRow, type AuditRow } from './audit-rows';
export type { NewJob, JobListFilter, JobListCursor, JobPage } from './job-records';
export { UnfinishedJobs, type PageKey, type QuietPage, type UnfinishedKind } from './unfinished-jobs';
export { LeaderLock } from './leader-lock';
export { returnedRows } from './sql/raw-rows';
export { REPORT_TOTALS_SQL, reportTopCountsSql } from './report-facts';
