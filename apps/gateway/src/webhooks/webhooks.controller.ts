import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '@validahub/config';
import { checkTargetUrl, TargetRefusedError } from '@validahub/outbound-http';
import { RequireScopes } from '../auth/auth.decorators';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { problems } from '../http/problem';
import { UuidParamPipe } from './uuid-param.pipe';
import { Ctx, RequestContext } from '../jobs/request-context';
import { ApiProblems } from '../openapi/api-responses';
import {
  CreateWebhookDto,
  DeliveryListView,
  DeliveryView,
  ListDeliveriesQuery,
  toDeliveryView,
  toWebhookView,
  toWebhookWithSecretView,
  UpdateWebhookDto,
  WebhookListView,
  WebhookView,
  WebhookWithSecretView,
} from './webhook-dtos';
import { WebhookEndpoints } from './webhook-endpoints';
import type { EndpointRecord } from './webhook-records';

export const WEBHOOKS_PATH = 'api/v1/webhooks';

const ENDPOINT_ID = ApiParam({ name: 'id', format: 'uuid', description: 'The endpoint id.' });

/** Webhook endpoints of the caller's tenant, their delivery log and redeliveries (Standard Webhooks). */
@ApiTags('webhooks')
@RequireScopes('webhooks:manage')
@ApiProblems(400, 503)
@Controller(WEBHOOKS_PATH)
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createWebhook', summary: 'Create a webhook endpoint', description: 'The answer is the only time `secret` is shown.' })
  @ApiCreatedResponse({ type: WebhookWithSecretView })
  async create(@Body() body: CreateWebhookDto, @Ctx() ctx: RequestContext): Promise<WebhookWithSecretView> {
    this.checkUrl(body.url);
    const created = await this.endpoints.create(ctx.tenantId, { url: body.url, events: unique(body.events), description: body.description ?? null });
    return toWebhookWithSecretView(created);
  }

  @Get()
  @ApiOperation({ operationId: 'listWebhooks', summary: 'List webhook endpoints', description: 'Newest first, without secrets.' })
  @ApiOkResponse({ type: WebhookListView })
  async list(@Ctx() ctx: RequestContext): Promise<WebhookListView> {
    return { items: (await this.endpoints.list(ctx.tenantId)).map(toWebhookView) };
  }

  @Get(':id')
  @ENDPOINT_ID
  @ApiOperation({ operationId: 'getWebhook', summary: 'Get a webhook endpoint', description: 'Includes `disabled_reason` when it was disabled.' })
  @ApiOkResponse({ type: WebhookView })
  @ApiProblems(404)
  async get(@Param('id', UuidParamPipe) id: string, @Ctx() ctx: RequestContext): Promise<WebhookView> {
    return toWebhookView(await this.found(ctx, id));
  }

  @Patch(':id')
  @ENDPOINT_ID
  @ApiOperation({
    operationId: 'updateWebhook',
    summary: 'Change a webhook endpoint',
    description: 'URL, events, description; `enabled` pauses or re-enables.',
  })
  @ApiOkResponse({ type: WebhookView })
  @ApiProblems(404)
  async update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateWebhookDto, @Ctx() ctx: RequestContext): Promise<WebhookView> {
    if (body.url !== undefined) this.checkUrl(body.url);
    const events = body.events ? unique(body.events) : undefined;
    const updated = await this.endpoints.update(ctx.tenantId, id, { url: body.url, events, description: body.description, enabled: body.enabled });
    if (!updated) throw notFound(id);
    return toWebhookView(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  @ENDPOINT_ID
  @ApiOperation({ operationId: 'deleteWebhook', summary: 'Delete a webhook endpoint', description: 'Its pending deliveries are dropped with it.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(404)
  async remove(@Param('id', UuidParamPipe) id: string, @Ctx() ctx: RequestContext): Promise<void> {
    if (!(await this.endpoints.remove(ctx.tenantId, id))) throw notFound(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ENDPOINT_ID
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate a webhook endpoint’s secret',
    description: 'A new secret, shown once; for 24 h deliveries carry a second signature made with the old one.',
  })
  @ApiOkResponse({ type: WebhookWithSecretView })
  @ApiProblems(404)
  async rotate(@Param('id', UuidParamPipe) id: string, @Ctx() ctx: RequestContext): Promise<WebhookWithSecretView> {
    const rotated = await this.endpoints.rotateSecret(ctx.tenantId, id);
    if (!rotated) throw notFound(id);
    return toWebhookWithSecretView(rotated);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ENDPOINT_ID
  @ApiOperation({
    operationId: 'testWebhook',
    summary: 'Send a test event',
    description: 'Queues a `webhook.test` delivery; follow it in the deliveries.',
  })
  @ApiAcceptedResponse({ type: DeliveryView })
  @ApiProblems(404, 409)
  async test(@Param('id', UuidParamPipe) id: string, @Ctx() ctx: RequestContext): Promise<DeliveryView> {
    const endpoint = await this.found(ctx, id);
    if (!endpoint.enabled)
      throw problems.conflict('webhook-disabled', `Webhook endpoint ${id} is disabled (${endpoint.disabledReason ?? 'no reason'}); enable it first.`);
    return toDeliveryView(await this.endpoints.queueTest(endpoint));
  }

  @Get(':id/deliveries')
  @ENDPOINT_ID
  @ApiOperation({ operationId: 'listWebhookDeliveries', summary: 'List deliveries', description: 'Newest first, paged by limit/offset.' })
  @ApiOkResponse({ type: DeliveryListView })
  @ApiProblems(404)
  async deliveries(
    @Param('id', UuidParamPipe) id: string,
    @Query() query: ListDeliveriesQuery,
    @Ctx() ctx: RequestContext,
  ): Promise<DeliveryListView> {
    await this.found(ctx, id);
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.endpoints.deliveries(id, limit, offset);
    return { items: page.items.map(toDeliveryView), total: page.total, limit, offset };
  }

  @Post(':id/deliveries/:delivery_id/redeliver')
  @HttpCode(202)
  @ENDPOINT_ID
  @ApiParam({ name: 'delivery_id', format: 'uuid', description: 'The delivery to send again.' })
  @ApiOperation({
    operationId: 'redeliverWebhook',
    summary: 'Send a delivery again',
    description: 'A new delivery of the same message (same `webhook-id` and body), with its own attempts.',
  })
  @ApiAcceptedResponse({ type: DeliveryView })
  @ApiProblems(404, 409)
  async redeliver(
    @Param('id', UuidParamPipe) id: string,
    @Param('delivery_id', UuidParamPipe) deliveryId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<DeliveryView> {
    const endpoint = await this.found(ctx, id);
    if (!endpoint.enabled)
      throw problems.conflict('webhook-disabled', `Webhook endpoint ${id} is disabled (${endpoint.disabledReason ?? 'no reason'}); enable it first.`);
    const delivery = await this.endpoints.delivery(id, deliveryId);
    if (!delivery) throw problems.notFound(`Delivery ${deliveryId} not found for webhook endpoint ${id}.`);
    return toDeliveryView(await this.endpoints.redeliver(delivery));
  }

  private async found(ctx: RequestContext, id: string): Promise<EndpointRecord> {
    const endpoint = await this.endpoints.get(ctx.tenantId, id);
    if (!endpoint) throw notFound(id);
    return endpoint;
  }

  /** https, no credentials, no literal private address (names are checked again at every connect). */
  private checkUrl(url: string): void {
    try {
      checkTargetUrl(url, { allowPrivate: this.config.outbound.allowPrivateTargets });
    } catch (error) {
      if (!(error instanceof TargetRefusedError)) throw error;
      throw problems.validation([{ field: 'url', message: error.message }], `Invalid webhook url (${error.reason}).`);
    }
  }
}

function notFound(id: string) {
  return problems.notFound(`Webhook endpoint ${id} not found.`);
}

function unique(events: string[]): string[] {
  return [...new Set(events)];
}
