import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { problems } from '../http/problem';
import { Ctx, RequestContext } from '../jobs/request-context';
import { ApiProblems } from '../openapi/api-responses';
import { TEMPLATE_NAME_PATTERN } from './template-name';
import { CreateTemplateDto, TemplateListView, TemplateView, toTemplateView } from './template.dto';
import { TemplateStore } from './template-store';
import { TemplatesService } from './templates.service';

const NAME = ApiParam({ name: 'name', description: 'The template name.' });

/** A template name in a path; 400 on `name` otherwise (before any query). */
function checkedName(name: string): string {
  if (!TEMPLATE_NAME_PATTERN.test(name)) throw problems.validation([{ field: 'name', message: 'not a template name' }]);
  return name;
}

@ApiTags('templates')
@ApiProblems(400, 503)
@Controller('api/v1/templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly store: TemplateStore,
  ) {}

  @Post()
  @RequireScopes('templates:manage')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createTemplate',
    summary: 'Create a template version',
    description: 'Version 1 for a new name; the same name again makes the next version (versions are immutable).',
  })
  @ApiCreatedResponse({ type: TemplateView, description: 'The new version.' })
  async create(@Body() body: CreateTemplateDto, @Ctx() ctx: RequestContext): Promise<TemplateView> {
    return toTemplateView(await this.templates.create(ctx.tenantId, body));
  }

  @Get()
  @RequireScopes('jobs:read')
  @ApiOperation({ operationId: 'listTemplates', summary: 'List templates', description: 'The latest version of each template, by name.' })
  @ApiOkResponse({ type: TemplateListView, description: 'The templates.' })
  async list(@Ctx() ctx: RequestContext): Promise<TemplateListView> {
    return { items: (await this.store.latestOfEach(ctx.tenantId)).map(toTemplateView) };
  }

  @Get(':name')
  @RequireScopes('jobs:read')
  @NAME
  @ApiOperation({ operationId: 'getTemplate', summary: 'Get a template', description: 'Its latest version.' })
  @ApiOkResponse({ type: TemplateView, description: 'The latest version.' })
  @ApiProblems(404)
  async get(@Param('name') name: string, @Ctx() ctx: RequestContext): Promise<TemplateView> {
    return toTemplateView(await this.templates.get(ctx.tenantId, checkedName(name)));
  }

  @Get(':name/versions/:version')
  @RequireScopes('jobs:read')
  @NAME
  @ApiParam({ name: 'version', type: 'integer', description: 'A version number (1, 2, ...).' })
  @ApiOperation({
    operationId: 'getTemplateVersion',
    summary: 'Get one version of a template',
    description: 'A version as it was saved: versions are immutable, so a job or workflow step that names `template@n` always gets these params.',
  })
  @ApiOkResponse({ type: TemplateView, description: 'That version.' })
  @ApiProblems(404)
  async version(
    @Param('name') name: string,
    @Param('version', new ParseIntPipe({ exceptionFactory: () => problems.validation([{ field: 'version', message: 'must be a whole number' }]) }))
    version: number,
    @Ctx() ctx: RequestContext,
  ): Promise<TemplateView> {
    if (version < 1 || version > 999_999_999) throw problems.validation([{ field: 'version', message: 'must be between 1 and 999999999' }]);
    return toTemplateView(await this.templates.get(ctx.tenantId, checkedName(name), version));
  }

  @Delete(':name')
  @RequireScopes('templates:manage')
  @HttpCode(204)
  @NAME
  @ApiOperation({
    operationId: 'deleteTemplate',
    summary: 'Delete a template',
    description: 'Every version; jobs made from it keep their record. Posting the name again continues its numbering.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(404)
  async remove(@Param('name') name: string, @Ctx() ctx: RequestContext): Promise<void> {
    if (!(await this.store.remove(ctx.tenantId, checkedName(name)))) throw problems.notFound(`Template ${name} not found.`);
  }
}
