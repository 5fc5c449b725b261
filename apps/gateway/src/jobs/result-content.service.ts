import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { limitProblems } from '../limits/limit-problems';
import { TenantStorage } from '../tenancy/tenant-storage';
import { JobsService } from './jobs.service';
import { RequestContext } from './request-context';
import { ContentPart, contentTypeOf, downloadName, ResultContent, resultUriFor, viaStorage } from './result-content';

/**
 * Opens the stored result of a succeeded job for streaming, or presigns a URL to it when
 * configured. The result is read through the caller's storage scope: whatever a job record
 * says, nothing outside the caller's own prefix is ever read.
 */
@Injectable()
export class ResultContentService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly storage: TenantStorage,
  ) {}

  async open(id: string, context: RequestContext, part?: ContentPart): Promise<ResultContent> {
    const job = await this.jobs.result(id, context);
    if (job.resultExpiredAt) throw limitProblems.resultExpired(job.id, job.resultExpiredAt);
    const uri = resultUriFor(job, part);
    const storage = this.storage.forAuth(context.auth);
    return viaStorage(async () => {
      if (this.config.storage.presignResults) {
        const url = await storage.presignGet(uri, 300);
        if (url) return { kind: 'redirect', url };
      }
      const opened = await storage.openRead(uri);
      const contentType = contentTypeOf(opened, uri, part);
      return { kind: 'stream', opened, fileName: downloadName(id, uri), contentType, inline: contentType.startsWith('text/html') };
    }, id);
  }
}
