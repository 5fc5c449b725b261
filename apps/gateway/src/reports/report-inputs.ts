import { Injectable } from '@nestjs/common';
import type { NewJob } from '@validahub/jobs-persistence';
import { reportDataLocation } from '@validahub/jobs-tasks';
import { StorageAccessError, StorageUnavailableError } from '@validahub/storage';
import type { RequestAuth } from '../auth/request-auth';
import { DependencyUnavailableError } from '../http/dependency-errors';
import { TenantStorage } from '../tenancy/tenant-storage';
import { ReportAggregates } from './report-aggregates';

/**
 * What a job needs prepared by the gateway before it is stored: for `generate_report_job`, its
 * numbers. Workers hold no database credentials, so the gateway runs the report's SQL here and
 * writes the result beside the job's results in the tenant's storage (`reportDataLocation`);
 * the worker renders it. The data is written before the job row exists, so a stored report job
 * always has its data; a failed write leaves neither (503, storage).
 */
@Injectable()
export class JobInputs {
  constructor(
    private readonly aggregates: ReportAggregates,
    private readonly storage: TenantStorage,
  ) {}

  async prepare(job: NewJob, auth: Pick<RequestAuth, 'tenant'>): Promise<void> {
    if (job.taskName !== 'generate_report_job') return;
    const params = job.params as { from: string; to: string; marketplace?: string };
    const data = await this.aggregates.compute({ tenantId: job.tenantId, from: params.from, to: params.to, marketplace: params.marketplace });
    const storage = this.storage.forAuth(auth);
    try {
      await storage.write(reportDataLocation(storage.resultsUri, job.id), JSON.stringify(data), { contentType: 'application/json' });
    } catch (error) {
      if (error instanceof StorageUnavailableError || error instanceof StorageAccessError)
        throw new DependencyUnavailableError('storage', { cause: error });
      throw error;
    }
  }
}
