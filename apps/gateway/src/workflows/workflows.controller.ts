import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { problems } from '../http/problem';
import { Ctx, RequestContext } from '../jobs/request-context';
import { ApiProblems } from '../openapi/api-responses';
import { CreateWorkflowDto, ListWorkflowsQuery } from './workflow.dto';
import { toWorkflowView, WorkflowListView, WorkflowView } from './workflow-views';
import { WorkflowsService } from './workflows.service';

const WORKFLOW_ID = ApiParam({ name: 'id', format: 'uuid', description: 'The workflow id (a UUID; anything else is 400).' });
const idPipe = new ParseUUIDPipe({ exceptionFactory: () => problems.validation([{ field: 'id', message: 'must be a UUID' }]) });

@ApiTags('workflows')
@ApiProblems(400, 503)
@Controller('api/v1/workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post()
  @RequireScopes('jobs:write')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createWorkflow',
    summary: 'Run a workflow',
    description:
      'A DAG of at most 20 steps, each an ordinary job started once all its dependencies succeeded. A cycle, a dangling ' +
      '`depends_on`, a duplicate id or a reference to a step that is not an ancestor is a 400 naming the step.',
  })
  @ApiAcceptedResponse({ type: WorkflowView, description: 'Accepted; the steps without dependencies are already queued.' })
  @ApiProblems(403)
  async create(@Body() body: CreateWorkflowDto, @Ctx() ctx: RequestContext): Promise<WorkflowView> {
    const { workflow, steps } = await this.workflows.create(body, ctx);
    return toWorkflowView(workflow, steps);
  }

  @Get()
  @RequireScopes('jobs:read')
  @ApiOperation({ operationId: 'listWorkflows', summary: 'List workflows', description: 'Newest first, paged by cursor.' })
  @ApiOkResponse({ type: WorkflowListView, description: 'A page of workflows.' })
  async list(@Query() query: ListWorkflowsQuery, @Ctx() ctx: RequestContext): Promise<WorkflowListView> {
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    if (limit < 1 || limit > 100) throw problems.validation([{ field: 'limit', message: 'must be between 1 and 100' }]);
    const page = await this.workflows.list(ctx, limit, query.cursor);
    return { items: page.items.map(({ workflow, steps }) => toWorkflowView(workflow, steps)), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @RequireScopes('jobs:read')
  @WORKFLOW_ID
  @ApiOperation({ operationId: 'getWorkflow', summary: 'Get a workflow', description: 'Its status and each step with its job and status.' })
  @ApiOkResponse({ type: WorkflowView, description: 'The workflow.' })
  @ApiProblems(404)
  async get(@Param('id', idPipe) id: string, @Ctx() ctx: RequestContext): Promise<WorkflowView> {
    const { workflow, steps } = await this.workflows.get(id, ctx);
    return toWorkflowView(workflow, steps);
  }

  @Delete(':id')
  @RequireScopes('jobs:write')
  @WORKFLOW_ID
  @ApiOperation({
    operationId: 'cancelWorkflow',
    summary: 'Cancel a workflow',
    description: 'Cancels its running steps and skips the rest; 409 (with `workflow_status`) when it already ended.',
  })
  @ApiOkResponse({ type: WorkflowView, description: 'Cancelled; running steps end `cancelled` once their workers stop.' })
  @ApiProblems(404, 409)
  async cancel(@Param('id', idPipe) id: string, @Ctx() ctx: RequestContext): Promise<WorkflowView> {
    const { workflow, steps } = await this.workflows.cancel(id, ctx);
    return toWorkflowView(workflow, steps);
  }
}
