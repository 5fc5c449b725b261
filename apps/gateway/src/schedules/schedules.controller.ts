import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { ProblemException, problems } from '../http/problem';
import { CreateJobDto } from '../jobs/create-job.dto';
import { JobCreator } from '../jobs/job-creator';
import { Ctx, RequestContext } from '../jobs/request-context';
import { ApiProblems } from '../openapi/api-responses';
import { UuidParamPipe } from '../webhooks/uuid-param.pipe';
import { CronPlan, CronPlanError, planRefusal } from './cron-plan';
import {
  CreateScheduleDto,
  PageQuery,
  ScheduleListView,
  ScheduleRunListView,
  ScheduleView,
  toRunView,
  toScheduleView,
  UpdateScheduleDto,
} from './schedule-dtos';
import type { ScheduleRecord } from './schedule-records';
import { ScheduleChanges, ScheduleStore } from './schedule-store';

export const SCHEDULES_PATH = 'api/v1/schedules';

const SCHEDULE_ID = ApiParam({ name: 'id', format: 'uuid', description: 'The schedule id.' });

/** Cron schedules of the caller's tenant; each fire creates a job through the normal create path. */
@ApiTags('schedules')
@RequireScopes('schedules:manage')
@ApiProblems(400, 503)
@Controller(SCHEDULES_PATH)
export class SchedulesController {
  constructor(
    private readonly schedules: ScheduleStore,
    private readonly creator: JobCreator,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createSchedule',
    summary: 'Create a schedule',
    description:
      'Cron (5 fields; 6 with seconds on enterprise) in an IANA timezone, and the job to create at each fire. The job is checked ' +
      'as `POST /jobs` would check it; the plan’s minimum interval applies (free 1 h, pro 5 min, business 1 min, enterprise 1 s).',
  })
  @ApiCreatedResponse({ type: ScheduleView })
  @ApiProblems(403)
  async create(@Body() body: CreateScheduleDto, @Ctx() ctx: RequestContext): Promise<ScheduleView> {
    const plan = this.checkedPlan(body.cron, body.timezone, ctx);
    await this.checkJob({ task: body.task, template: body.template, params: body.params, priority: body.priority }, ctx);
    const enabled = body.enabled ?? true;
    const created = await this.schedules.create({
      tenantId: ctx.tenantId,
      name: body.name,
      cron: body.cron,
      timezone: body.timezone,
      task: body.task ?? null,
      template: body.template ?? null,
      params: body.params,
      priority: body.priority ?? null,
      enabled,
      misfire: body.misfire ?? 'skip',
      nextRunAt: enabled ? plan.next(new Date()) : null,
    });
    return toScheduleView(created);
  }

  @Get()
  @ApiOperation({ operationId: 'listSchedules', summary: 'List schedules', description: 'Newest first, paged by limit/offset.' })
  @ApiOkResponse({ type: ScheduleListView })
  async list(@Query() query: PageQuery, @Ctx() ctx: RequestContext): Promise<ScheduleListView> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.schedules.list(ctx.tenantId, limit, offset);
    return { items: page.items.map(toScheduleView), total: page.total, limit, offset };
  }

  @Get(':id')
  @SCHEDULE_ID
  @ApiOperation({ operationId: 'getSchedule', summary: 'Get a schedule', description: 'With its next fire (`next_run_at`, null while paused).' })
  @ApiOkResponse({ type: ScheduleView })
  @ApiProblems(404)
  async get(@Param('id', UuidParamPipe) id: string, @Ctx() ctx: RequestContext): Promise<ScheduleView> {
    return toScheduleView(await this.found(ctx, id));
  }

  @Patch(':id')
  @SCHEDULE_ID
  @ApiOperation({
    operationId: 'updateSchedule',
    summary: 'Change, pause or resume a schedule',
    description: '`enabled: false` pauses (no fires); `enabled: true` resumes from the next fire after now (fires while paused are not made up).',
  })
  @ApiOkResponse({ type: ScheduleView })
  @ApiProblems(403, 404)
  async update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateScheduleDto, @Ctx() ctx: RequestContext): Promise<ScheduleView> {
    const current = await this.found(ctx, id);
    const changes: ScheduleChanges = { ...definedOnly(body) };
    // Naming a task drops the template and the other way round; naming both is refused by the check.
    if (body.task !== undefined && body.template === undefined) changes.template = null;
    if (body.template !== undefined && body.task === undefined) changes.task = null;
    const merged = { ...current, ...changes };
    const plan = this.checkedPlan(merged.cron, merged.timezone, ctx);
    if (body.task !== undefined || body.template !== undefined || body.params !== undefined || body.priority !== undefined) {
      await this.checkJob(
        { task: merged.task ?? undefined, template: merged.template ?? undefined, params: merged.params, priority: merged.priority ?? undefined },
        ctx,
      );
    }
    const timingChanged = body.cron !== undefined || body.timezone !== undefined || (body.enabled === true && !current.enabled);
    if (merged.enabled === false) changes.nextRunAt = null;
    else if (timingChanged) changes.nextRunAt = plan.next(new Date());
    const updated = await this.schedules.update(ctx.tenantId, id, changes);
    if (!updated) throw notFound(id);
    return toScheduleView(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  @SCHEDULE_ID
  @ApiOperation({ operationId: 'deleteSchedule', summary: 'Delete a schedule', description: 'No more fires; the jobs it created stay.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(404)
  async remove(@Param('id', UuidParamPipe) id: string, @Ctx() ctx: RequestContext): Promise<void> {
    if (!(await this.schedules.remove(ctx.tenantId, id))) throw notFound(id);
  }

  @Get(':id/runs')
  @SCHEDULE_ID
  @ApiOperation({ operationId: 'listScheduleRuns', summary: 'List a schedule’s runs', description: 'The jobs it created, newest fire first.' })
  @ApiOkResponse({ type: ScheduleRunListView })
  @ApiProblems(404)
  async runs(@Param('id', UuidParamPipe) id: string, @Query() query: PageQuery, @Ctx() ctx: RequestContext): Promise<ScheduleRunListView> {
    await this.found(ctx, id);
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.schedules.runs(id, limit, offset);
    return { items: page.items.map(toRunView), total: page.total, limit, offset };
  }

  private async found(ctx: RequestContext, id: string): Promise<ScheduleRecord> {
    const schedule = await this.schedules.get(ctx.tenantId, id);
    if (!schedule) throw notFound(id);
    return schedule;
  }

  /** The parsed expression; 400 for a bad cron or timezone, 403 for an interval the tenant's plan does not allow. */
  private checkedPlan(cron: string, timezone: string, ctx: RequestContext): CronPlan {
    let plan: CronPlan;
    try {
      plan = new CronPlan(cron, timezone);
    } catch (error) {
      if (!(error instanceof CronPlanError)) throw error;
      throw problems.validation([{ field: error.field, message: error.message }], `Invalid ${error.field}: ${error.message}.`);
    }
    const tenantPlan = ctx.auth.plan ?? ctx.auth.tenant.plan;
    const refusal = planRefusal(tenantPlan, plan);
    if (refusal) {
      throw new ProblemException({
        status: 403,
        type: 'schedule-not-allowed',
        title: 'Forbidden',
        detail: refusal,
        extensions: { tenant_plan: tenantPlan },
      });
    }
    return plan;
  }

  /**
   * The fire's job, checked now as POST /jobs would check it (task or template, params, storage,
   * plan, priority): an unknown template is a 400 naming it. A template resolves again at each fire.
   */
  private async checkJob(job: Pick<CreateJobDto, 'task' | 'template' | 'params' | 'priority'>, ctx: RequestContext): Promise<void> {
    await this.creator.validate(Object.assign(new CreateJobDto(), definedOnly(job)), ctx);
  }
}

function notFound(id: string) {
  return problems.notFound(`Schedule ${id} not found.`);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
