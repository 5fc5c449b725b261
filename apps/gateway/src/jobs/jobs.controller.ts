import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdempotencyContext, IdempotencyCtx, Idempotent } from '@validahub/idempotency';
import { RequireScopes } from '../auth/auth.decorators';
import { CreateJobDto } from './create-job.dto';
import { JobIdPipe } from './job-id.pipe';
import {
  CreatedJobView,
  JobEventListView,
  JobListView,
  JobResultView,
  JobView,
  toCreatedView,
  toEventView,
  toJobView,
  toResultView,
} from './job-views';
import { JobCreator } from './job-creator';
import { JobsService } from './jobs.service';
import { ListJobsQuery } from './list-jobs.query';
import { contentTypeOf, parseResultPart, RESULT_PARTS } from './result-content';
import { ResultContentService } from './result-content.service';
import { Ctx, RequestContext } from './request-context';

export const JOBS_PATH = 'api/v1/jobs';

const jobLocation = (id: string) => `/${JOBS_PATH}/${id}`;

@ApiTags('jobs')
@ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Up to 128 printable characters; generated when absent; echoed.' })
@ApiBadRequestResponse({ description: 'Invalid input (application/problem+json)' })
@Controller(JOBS_PATH)
export class JobsController {
  constructor(
    private readonly creator: JobCreator,
    private readonly jobs: JobsService,
    private readonly results: ResultContentService,
  ) {}

  @Post()
  @RequireScopes('jobs:write')
  @HttpCode(202)
  @Idempotent({ bodyField: 'idempotency_key' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same as body idempotency_key (both and different: 400). A repeat replays the first answer.',
  })
  @ApiAcceptedResponse({ type: CreatedJobView, description: 'Accepted; Location names the job. A replay adds Idempotent-Replayed: true.' })
  @ApiConflictResponse({ description: 'A request with this idempotency key is still being created (Retry-After).' })
  @ApiUnprocessableEntityResponse({ description: 'This idempotency key was used for a different request.' })
  @ApiForbiddenResponse({
    description:
      "Also: the body's plan differs from the tenant's (`plan-not-allowed`), or its priority is above the plan's (`priority-not-allowed`).",
  })
  async create(
    @Body() body: CreateJobDto,
    @Ctx() ctx: RequestContext,
    @IdempotencyCtx() idempotency: IdempotencyContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedJobView> {
    const job = await this.creator.create(body, ctx, {
      idempotencyKey: idempotency.key,
      // The key completes in the job's own transaction: no job without its key, no key without its job.
      // Without a key there is nothing to complete, and the insert stays a single statement.
      within: idempotency.key
        ? (manager, created) => idempotency.completeWithin(manager, 202, toCreatedView(created), { location: jobLocation(created.id) })
        : undefined,
    });
    void reply.header('Location', jobLocation(job.id));
    return toCreatedView(job);
  }

  @Get()
  @RequireScopes('jobs:read')
  @ApiOkResponse({ type: JobListView })
  async list(@Query() query: ListJobsQuery, @Ctx() ctx: RequestContext): Promise<JobListView> {
    const page = await this.jobs.list(query, ctx);
    return { items: page.items.map(toJobView), total: page.total, limit: page.limit, offset: page.offset };
  }

  @Get(':id')
  @RequireScopes('jobs:read')
  @ApiOkResponse({ type: JobView })
  @ApiNotFoundResponse({ description: "No such job for this tenant (another tenant's job is 404 too)." })
  async get(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext): Promise<JobView> {
    return toJobView(await this.jobs.get(id, ctx));
  }

  @Get(':id/result')
  @RequireScopes('jobs:read')
  @ApiOkResponse({ type: JobResultView })
  @ApiConflictResponse({ description: 'The job has not succeeded (body carries its status).' })
  async result(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext): Promise<JobResultView> {
    return toResultView(await this.jobs.result(id, ctx));
  }

  @Get(':id/result/content')
  @RequireScopes('jobs:read')
  @ApiOkResponse({ description: 'The stored result (report JSON or corrected CSV), streamed; 302 to a presigned URL with RESULTS_PRESIGN.' })
  @ApiConflictResponse({ description: 'The job has not succeeded.' })
  @ApiQuery({ name: 'part', required: false, enum: RESULT_PARTS, description: 'CSV jobs: `report` (JSON) or `corrected` (CSV); default result_ref.' })
  async resultContent(
    @Param('id', JobIdPipe) id: string,
    @Query('part') part: unknown,
    @Ctx() ctx: RequestContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const content = await this.results.open(id, ctx, parseResultPart(part));
    if (content.kind === 'redirect') {
      await reply.redirect(content.url, 302);
      return;
    }
    if (content.opened.size !== undefined) void reply.header('Content-Length', content.opened.size);
    await reply
      .type(contentTypeOf(content))
      .header('Content-Disposition', `attachment; filename="${content.fileName.replace(/"/g, '')}"`)
      .send(content.opened.stream);
  }

  @Get(':id/events')
  @RequireScopes('jobs:read')
  @ApiOkResponse({ type: JobEventListView })
  async events(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext): Promise<JobEventListView> {
    return { items: (await this.jobs.events(id, ctx)).map(toEventView) };
  }

  @Delete(':id')
  @RequireScopes('jobs:write')
  @ApiOkResponse({ type: JobView, description: 'Cancelled at once (it was waiting).' })
  @ApiAcceptedResponse({ type: JobView, description: 'Running: the worker was asked to stop (cancel_requested true).' })
  @ApiConflictResponse({ description: 'Already finished.' })
  async cancel(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<JobView> {
    const outcome = await this.jobs.cancel(id, ctx);
    void reply.status(outcome.httpStatus);
    return toJobView(outcome.job);
  }
}
