import { Controller, Get, Inject, OnModuleDestroy, Param, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTerminal } from '@validahub/jobs-domain';
import { RequireScopes } from '../auth/auth.decorators';
import { problems } from '../http/problem';
import { JobIdPipe } from '../jobs/job-id.pipe';
import { toJobView } from '../jobs/job-views';
import { JobsService } from '../jobs/jobs.service';
import { Ctx, RequestContext } from '../jobs/request-context';
import { ApiProblems } from '../openapi/api-responses';
import { JobLiveBus } from './job-live-bus';
import { JobStreamSession } from './job-stream-session';
import { JobTransitions } from './job-transitions';
import { parseLastEventId, StreamPosition } from './stream-event-id';
import { StreamSettings } from './stream-settings';
import { STREAM_SETTINGS } from './stream.tokens';

/** `GET /api/v1/jobs/{id}/stream`: the job's status and progress as server-sent events. */
@ApiTags('jobs')
@ApiProblems(400, 503)
@Controller('api/v1/jobs')
export class JobStreamController implements OnModuleDestroy {
  private readonly sessions = new Set<JobStreamSession>();

  constructor(
    private readonly jobs: JobsService,
    private readonly transitions: JobTransitions,
    private readonly bus: JobLiveBus,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  @Get(':id/stream')
  @RequireScopes('jobs:read')
  @ApiParam({ name: 'id', format: 'uuid', description: 'The job id (a UUID; anything else is 400).' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event: the stream sends what was missed.' })
  @ApiProduces('text/event-stream')
  @ApiOperation({
    operationId: 'streamJob',
    summary: 'Follow a job (server-sent events)',
    description:
      'First a `status` event with the job as `GET /jobs/{id}` shows it, then `status` on every transition and `progress` ' +
      '(`{progress, message}`, at most 4 per second) on progress reports. Every event has an `id`; reconnecting with ' +
      '`Last-Event-ID` sends the transitions missed and the current progress (204 when the client already has the terminal status). ' +
      'A comment every 15 s; the stream ends after the terminal status.',
  })
  @ApiOkResponse({ description: 'An event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiNoContentResponse({ description: 'Resumed (Last-Event-ID) at the terminal status already: nothing more will come.' })
  @ApiProblems(404)
  async stream(
    @Param('id', JobIdPipe) id: string,
    @Ctx() ctx: RequestContext,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const resumeFrom = lastEventIdOf(request);
    // Errors up to here are ordinary problem answers; after hijack the stream is ours.
    const { job, latestAuditId } = await this.snapshot(id, ctx);
    if (resumeFrom && isTerminal(job.status) && resumeFrom.auditId >= latestAuditId) {
      // The client has the terminal event already: 204 tells an EventSource to stop reconnecting.
      await reply.status(204).send();
      return;
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-correlation-id': String(request.id),
    });
    const session = new JobStreamSession(raw, {
      jobId: id,
      loadJob: async () => toJobView(await this.jobs.get(id, ctx)),
      transitions: this.transitions,
      bus: this.bus,
      settings: this.settings,
    });
    this.sessions.add(session);
    raw.on('close', () => this.sessions.delete(session));
    await session.start(toJobView(job), latestAuditId, resumeFrom);
  }

  onModuleDestroy(): void {
    for (const session of this.sessions) session.close();
    this.sessions.clear();
  }

  /** The job and the id of its latest audit row, read so that neither is newer than the other. */
  private async snapshot(id: string, ctx: RequestContext) {
    for (;;) {
      const before = await this.transitions.latestId(id);
      const job = await this.jobs.get(id, ctx);
      const latestAuditId = await this.transitions.latestId(id);
      if (before === latestAuditId) return { job, latestAuditId };
    }
  }
}

function lastEventIdOf(request: FastifyRequest): StreamPosition | null {
  const header = request.headers['last-event-id'];
  if (header === undefined || header === '') return null;
  const position = typeof header === 'string' ? parseLastEventId(header) : null;
  if (!position) throw problems.validation([{ field: 'Last-Event-ID', message: 'not an id this stream sent' }], 'Invalid Last-Event-ID.');
  return position;
}
