import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators';
import { Ctx, RequestContext } from '../jobs/request-context';
import { FilesService } from './files.service';

export const FILES_ROUTE = 'api/v1/files';

export class UploadedFileView {
  @ApiProperty({ description: 'Use as params.input_uri of a CSV job: relative to your own storage.', example: 'uploads/2026/01/0b7c….csv' })
  uri!: string;
  @ApiProperty({ description: 'Bytes stored.' })
  size!: number;
  @ApiProperty({ description: 'SHA-256 of the stored bytes, hex.' })
  sha256!: string;
}

@ApiTags('files')
@Controller(FILES_ROUTE)
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post()
  @RequireScopes('files:write')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: UploadedFileView, description: 'Stored; pass `uri` as params.input_uri.' })
  async upload(@Req() request: FastifyRequest, @Ctx() ctx: RequestContext): Promise<UploadedFileView> {
    const { uri, size, sha256 } = await this.files.upload(request, ctx);
    return { uri, size, sha256 };
  }
}
