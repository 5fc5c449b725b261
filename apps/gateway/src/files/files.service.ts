import type { MultipartFile } from '@fastify/multipart';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@validahub/config';
import { ScopedStorage, storeUpload, StoredUpload } from '@validahub/storage';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import type { RequestContext } from '../jobs/request-context';
import { UploadQuota } from '../limits/upload-quota';
import { TenantStorage } from '../tenancy/tenant-storage';
import { ACCEPTED_CSV_TYPES, toUploadProblem, uploadProblems } from './upload-problems';

/** Room for multipart boundaries and part headers when judging Content-Length against the file limit. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** Streams one CSV from a multipart request into the caller's storage; never holds the file in memory. */
@Injectable()
export class FilesService {
  private readonly logger = new Logger('FilesService');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly tenantStorage: TenantStorage,
    private readonly quota: UploadQuota,
  ) {}

  /** The stored upload; its `uri` is the caller's own name for it (`uploads/...` inside its prefix). */
  async upload(request: FastifyRequest, context: RequestContext): Promise<StoredUpload> {
    const storage = this.tenantStorage.forAuth(context.auth);
    const limit = this.config.storage.maxUploadBytes;
    if (!request.isMultipart()) throw uploadProblems.notMultipart();
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit + MULTIPART_OVERHEAD_BYTES) throw uploadProblems.tooLarge(limit);
    await this.quota.checkRoom(context.auth);

    const part = await this.filePart(request, limit);
    if (!isCsv(part.mimetype, part.filename)) {
      part.file.resume();
      throw uploadProblems.notCsv(part.mimetype);
    }
    const stored = await this.store(storage, part, limit);
    if (stored.size === 0) {
      await storage.delete(stored.uri).catch(() => undefined);
      throw uploadProblems.emptyFile();
    }
    await this.quota.record(context.auth, stored.uri, stored.size).catch(async (error: unknown) => {
      await storage.delete(stored.uri).catch(() => undefined);
      throw error;
    });
    this.logger.log({ uri: stored.uri, tenant_id: context.tenantId, size: stored.size, correlation_id: request.id }, 'upload stored');
    return stored;
  }

  private async filePart(request: FastifyRequest, limit: number): Promise<MultipartFile> {
    let part: MultipartFile | undefined;
    try {
      part = await request.file();
    } catch (error) {
      throw toUploadProblem(error, limit);
    }
    if (!part) throw uploadProblems.missingFile('The multipart body has no file part.');
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw uploadProblems.missingFile(`The file part is named ${JSON.stringify(part.fieldname)}; name it "file".`);
    }
    return part;
  }

  private async store(storage: ScopedStorage, part: MultipartFile, limit: number): Promise<StoredUpload> {
    const targetUri = storage.uploadTarget();
    try {
      const stored = await storeUpload(storage, part.file, { targetUri, maxBytes: limit, contentType: 'text/csv' });
      // busboy cut the stream at its own limit without an error (throwFileSizeLimit off or a race): still too large.
      if (part.file.truncated) {
        await storage.delete(stored.uri).catch(() => undefined);
        throw uploadProblems.tooLarge(limit);
      }
      return stored;
    } catch (error) {
      throw toUploadProblem(error, limit);
    }
  }
}

function isCsv(mimetype: string, fileName: string): boolean {
  const type = mimetype.split(';')[0].trim().toLowerCase();
  if (ACCEPTED_CSV_TYPES.includes(type)) return true;
  // curl and some clients send octet-stream for any file: trust the name then.
  return type === 'application/octet-stream' && /\.csv$/i.test(fileName);
}
