import { basename } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { ObjectStorage } from '@validahub/storage';
import { GATEWAY_CONFIG, OBJECT_STORAGE } from '../gateway.tokens';
import { JobsService } from './jobs.service';
import { RequestContext } from './request-context';
import { ResultContent, ResultPart, resultUriFor, viaStorage } from './result-content';

/** Opens the stored result of a succeeded job for streaming, or presigns a URL to it when configured. */
@Injectable()
export class ResultContentService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  async open(id: string, context: RequestContext, part?: ResultPart): Promise<ResultContent> {
    const job = await this.jobs.result(id, context);
    const uri = resultUriFor(job, part);
    return viaStorage(async () => {
      if (this.config.storage.presignResults) {
        const url = await this.storage.presignGet(uri, 300);
        if (url) return { kind: 'redirect', url };
      }
      const opened = await this.storage.openRead(uri);
      return { kind: 'stream', opened, fileName: basename(uri) };
    }, id);
  }
}
