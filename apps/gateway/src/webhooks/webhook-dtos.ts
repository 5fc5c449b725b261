import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Omittable } from '../http/omittable';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from './webhook-events';
import type { DeliveryRecord, EndpointRecord } from './webhook-records';

// Query strings arrive as text: convert digits only, so "1.5" or "abc" fail IsInt instead of becoming NaN.
const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

// Bodies and answers of /api/v1/webhooks (snake_case, ISO-8601 UTC). The URL's own rules (https,
// no credentials, public literal addresses) are checked by the controller with outbound-http.

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://example.com/hooks/validahub', description: 'https only (WEBHOOK_ALLOW_PRIVATE lifts that in development).' })
  @IsString()
  @Length(1, 2_048)
  url!: string;

  @ApiProperty({ type: [String], enum: WEBHOOK_EVENT_TYPES, example: ['job.succeeded', 'job.failed'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events!: WebhookEventType[];

  @ApiPropertyOptional({ type: String, maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ example: 'https://example.com/hooks/validahub' })
  @Omittable()
  @IsString()
  @Length(1, 2_048)
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: WEBHOOK_EVENT_TYPES })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string | null;

  @ApiPropertyOptional({ description: '`false` pauses deliveries; `true` re-enables a disabled endpoint and clears `disabled_reason`.' })
  @Omittable()
  @IsBoolean()
  enabled?: boolean;
}

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000, default: 0 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

@ApiSchema({ name: 'WebhookEndpoint' })
export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String], enum: WEBHOOK_EVENT_TYPES }) events!: string[];
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why the endpoint was disabled (410 Gone, 5 days of failures, the tenant).' })
  disabled_reason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Since when every delivery has failed; null once one succeeds.' })
  failing_since!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

@ApiSchema({ name: 'WebhookEndpointWithSecret' })
export class WebhookWithSecretView extends WebhookView {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'Signing secret; shown only when created or rotated.' })
  secret!: string;
}

@ApiSchema({ name: 'WebhookEndpointList' })
export class WebhookListView {
  @ApiProperty({ type: [WebhookView] }) items!: WebhookView[];
}

@ApiSchema({ name: 'WebhookDelivery' })
export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The `webhook-id` header: the same for a redelivery of one message.' }) message_id!: string;
  @ApiProperty({ example: 'job.succeeded' }) event_type!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Number, nullable: true }) last_status_code!: number | null;
  @ApiProperty({ type: String, nullable: true }) last_error!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) next_attempt_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

@ApiSchema({ name: 'WebhookDeliveryList' })
export class DeliveryListView {
  @ApiProperty({ type: [DeliveryView] }) items!: DeliveryView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toWebhookView(endpoint: EndpointRecord): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.disabledReason,
    failing_since: iso(endpoint.failingSince),
    created_at: endpoint.createdAt.toISOString(),
  };
}

export function toWebhookWithSecretView(endpoint: EndpointRecord): WebhookWithSecretView {
  return { ...toWebhookView(endpoint), secret: endpoint.secret };
}

export function toDeliveryView(delivery: DeliveryRecord): DeliveryView {
  return {
    id: delivery.id,
    message_id: delivery.messageId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    next_attempt_at: iso(delivery.nextAttemptAt),
    created_at: delivery.createdAt.toISOString(),
  };
}
