import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdempotencyContext, IdempotencyCtx, Idempotent } from '@validahub/idempotency';
import { ApiProblems } from '../openapi/api-responses';
import { RequireScopes } from '../auth/auth.decorators';
import { CountsAsCreate } from '../limits/request-limits';
import { CreateJobDto } from './create-job.dto';
import { BatchResultView, CreateBatchDto } from './batch/create-batch.dto';
import { JobBatchCreator } from './batch/job-batch-creator';
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
import { JobRetrier } from './job-retrier';
import { JobsService } from './jobs.service';
import { ListJobsQuery } from './list-jobs.query';
import { parseResultPart, RESULT_PARTS } from './result-content';
import { ResultContentService } from './result-content.service';
import { Ctx, RequestContext } from './request-context';

export const JOBS_PATH = 'api/v1/jobs';

const jobLocation = (id: string) => `/${JOBS_PATH}/${id}`;

const JOB_ID = ApiParam({ name: 'id', format: 'uuid', description: 'The job id (a UUID; anything else is 400).' });
/** The stored report page: inline styles only, nothing fetched, no script, its own opaque origin. */
const REPORT_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

@ApiTags('jobs')
@ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Up to 128 printable characters; generated when absent; echoed.' })
@ApiProblems(400, 503)
@Controller(JOBS_PATH)
export class JobsController {
  constructor(
    private readonly creator: JobCreator,
    private readonly batches: JobBatchCreator,
    private readonly jobs: JobsService,
    private readonly results: ResultContentService,
    private readonly retrier: JobRetrier,
  ) {}

  @Post()
  @RequireScopes('jobs:write')
  @CountsAsCreate()
  @HttpCode(202)
  @Idempotent({ bodyField: 'idempotency_key' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same as body idempotency_key (both and different: 400). A repeat replays the first answer.',
  })
  @ApiOperation({
    operationId: 'createJob',
    summary: 'Create a job',
    description:
      'Validates the body (`params` per task), stores the job and queues it on its plan’s queue. With an idempotency key ' +
      '(header or body) a repeat of the same request replays the first answer instead of creating a second job.',
  })
  @ApiAcceptedResponse({
    type: CreatedJobView,
    description: 'Accepted; `Location` names the job. A replay adds `Idempotent-Replayed: true`.',
    headers: {
      Location: { description: '/api/v1/jobs/{id}', schema: { type: 'string' } },
      'Idempotent-Replayed': { description: '`true` when this is the replay of an earlier request.', schema: { type: 'string' } },
    },
  })
  @ApiProblems(409, 413, 415, 422)
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

  @Post('batch')
  @RequireScopes('jobs:write')
  @HttpCode(200)
  @Idempotent()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Covers the whole batch: a repeat of the same request replays the first answer (no job is created twice).',
  })
  @ApiOperation({
    operationId: 'createJobsBatch',
    summary: 'Create many jobs',
    description:
      'Up to 1,000 create bodies. Each item is validated and answered on its own (one bad item fails alone, with the problem a ' +
      'single create would get); the valid ones are stored in one transaction and queued in one round trip.',
  })
  @ApiOkResponse({ type: BatchResultView, description: 'One outcome per item, in order. A replay adds `Idempotent-Replayed: true`.' })
  @ApiProblems(409, 413, 415, 422)
  async createBatch(
    @Body() body: CreateBatchDto,
    @Ctx() ctx: RequestContext,
    @IdempotencyCtx() idempotency: IdempotencyContext,
  ): Promise<BatchResultView> {
    return this.batches.create(body.jobs, ctx, {
      idempotencyKey: idempotency.key,
      // The key completes in the jobs' own transaction: no jobs without their key, no key without its jobs.
      within: idempotency.key ? (manager, answer) => idempotency.completeWithin(manager, 200, answer) : undefined,
    });
  }

  @Get()
  @RequireScopes('jobs:read')
  @ApiOperation({ operationId: 'listJobs', summary: 'List jobs', description: 'The caller’s jobs, newest first, filtered and paged.' })
  @ApiOkResponse({ type: JobListView, description: 'A page of jobs.' })
  async list(@Query() query: ListJobsQuery, @Ctx() ctx: RequestContext): Promise<JobListView> {
    const page = await this.jobs.list(query, ctx);
    return {
      items: page.items.map(toJobView),
      total: page.total,
      total_is_lower_bound: page.totalIsLowerBound,
      limit: page.limit,
      offset: page.offset,
      next_cursor: page.nextCursor,
    };
  }

  @Get(':id')
  @RequireScopes('jobs:read')
  @JOB_ID
  @ApiOperation({
    operationId: 'getJob',
    summary: 'Get a job',
    description: 'Status, progress, attempts, error, summary and result location of one job.',
  })
  @ApiOkResponse({ type: JobView, description: 'The job.' })
  @ApiProblems(404)
  async get(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext): Promise<JobView> {
    return toJobView(await this.jobs.get(id, ctx));
  }

  @Get(':id/result')
  @RequireScopes('jobs:read')
  @JOB_ID
  @ApiOperation({
    operationId: 'getJobResult',
    summary: 'Get a job’s result record',
    description: 'Where the result of a succeeded job is stored, and its summary. 409 (with `job_status`) while the job has not succeeded.',
  })
  @ApiOkResponse({ type: JobResultView, description: 'The result record.' })
  @ApiProblems(404, 409)
  async result(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext): Promise<JobResultView> {
    return toResultView(await this.jobs.result(id, ctx));
  }

  @Get(':id/result/content')
  @RequireScopes('jobs:read')
  @JOB_ID
  @ApiOperation({
    operationId: 'getJobResultContent',
    summary: 'Download a job’s result',
    description:
      'Streams the stored result of a succeeded job: without `part` the object at `result_ref`; CSV jobs also serve each artefact by `part`. ' +
      'With RESULTS_PRESIGN a 302 to a short-lived URL instead.',
  })
  @ApiQuery({
    name: 'part',
    required: false,
    enum: RESULT_PARTS,
    description:
      'CSV jobs: `report` (JSON), `corrected` (CSV), `issues_csv` (CSV) or `report_html` (HTML); generate_report_job: `html`, `csv` or `json`; ' +
      'default `result_ref`.',
  })
  @ApiProduces('application/json', 'text/csv', 'text/html')
  @ApiOkResponse({
    description: 'The stored bytes, as an attachment.',
    content: {
      'application/json': { schema: { type: 'object', additionalProperties: true, description: 'A validation report.' } },
      'text/csv': { schema: { type: 'string', description: 'A corrected CSV, or the report’s issues as CSV.' } },
      'text/html': { schema: { type: 'string', description: 'The report as a self-contained page.' } },
    },
  })
  @ApiResponse({
    status: 302,
    description: 'RESULTS_PRESIGN: the result is at `Location` (a presigned URL valid for 5 minutes).',
    headers: { Location: { description: 'A presigned URL.', schema: { type: 'string' } } },
  })
  @ApiProblems(404, 409, 410)
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
    // The report page is shown, not downloaded: in a sandbox (an opaque origin, no script) that may fetch nothing.
    if (content.inline) void reply.header('Content-Security-Policy', REPORT_PAGE_POLICY);
    await reply
      .type(content.contentType)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Disposition', `${content.inline ? 'inline' : 'attachment'}; filename="${content.fileName.replace(/"/g, '')}"`)
      .send(content.opened.stream);
  }

  @Get(':id/events')
  @RequireScopes('jobs:read')
  @JOB_ID
  @ApiOperation({
    operationId: 'getJobEvents',
    summary: 'Get a job’s audit trail',
    description: 'Every transition of the job, oldest first, with time, attempt and actor.',
  })
  @ApiOkResponse({ type: JobEventListView, description: 'The audit trail.' })
  @ApiProblems(404)
  async events(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext): Promise<JobEventListView> {
    return { items: (await this.jobs.events(id, ctx)).map(toEventView) };
  }

  @Post(':id/retry')
  @RequireScopes('jobs:write')
  @HttpCode(202)
  @JOB_ID
  @ApiOperation({
    operationId: 'retryJob',
    summary: 'Retry a job',
    description:
      'A new job with the same task, params and priority and `retry_of` the given one, for a failed, cancelled or expired job; ' +
      'other statuses 409 (with `job_status`).',
  })
  @ApiAcceptedResponse({
    type: JobView,
    description: 'The new job; `Location` names it.',
    headers: { Location: { description: '/api/v1/jobs/{id}', schema: { type: 'string' } } },
  })
  @ApiProblems(403, 404, 409)
  async retry(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<JobView> {
    const job = await this.retrier.retry(id, ctx);
    void reply.header('Location', jobLocation(job.id));
    return toJobView(job);
  }

  @Delete(':id')
  @RequireScopes('jobs:write')
  @JOB_ID
  @ApiOperation({
    operationId: 'cancelJob',
    summary: 'Cancel a job',
    description:
      'Best effort: a waiting job is cancelled at once (200); a running one is asked to stop at its next checkpoint (202). 409 when it already ended.',
  })
  @ApiOkResponse({ type: JobView, description: 'Cancelled at once (it was waiting).' })
  @ApiAcceptedResponse({ type: JobView, description: 'Running: the worker was asked to stop (`cancel_requested: true`).' })
  @ApiProblems(404, 409)
  async cancel(@Param('id', JobIdPipe) id: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<JobView> {
    const outcome = await this.jobs.cancel(id, ctx);
    void reply.status(outcome.httpStatus);
    return toJobView(outcome.job);
  }
}
