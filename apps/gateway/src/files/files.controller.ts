import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../openapi/api-responses';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx, RequestContext } from '../jobs/request-context';
import { FilesService } from './files.service';

export const FILES_ROUTE = 'api/v1/files';

@ApiSchema({ name: 'UploadedFile' })
export class UploadedFileView {
  @ApiProperty({ description: 'Use as params.input_uri of a CSV job: relative to your own storage.', example: 'uploads/2026/01/0b7c….csv' })
  uri!: string;
  @ApiProperty({ description: 'Bytes stored.', example: 52341 })
  size!: number;
  @ApiProperty({ description: 'SHA-256 of the stored bytes, hex.', example: '9b74c9897bac770ffc029102a200c5de9b74c9897bac770ffc029102a200c5de' })
  sha256!: string;
}

@ApiTags('files')
@ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Up to 128 printable characters; generated when absent; echoed.' })
@Controller(FILES_ROUTE)
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post()
  @RequireScopes('files:write')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'uploadFile',
    summary: 'Upload a CSV',
    description: 'Streams one CSV (multipart part `file`) into storage; pass the answer’s `uri` as `params.input_uri` of a CSV job.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: UploadedFileView, description: 'Stored; pass `uri` as params.input_uri.' })
  @ApiProblems(400, 413, 415, 503)
  async upload(@Req() request: FastifyRequest, @Ctx() ctx: RequestContext): Promise<UploadedFileView> {
    const { uri, size, sha256 } = await this.files.upload(request, ctx);
    return { uri, size, sha256 };
  }
}
