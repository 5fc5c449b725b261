import { IDEMPOTENCY_ENTITIES, IDEMPOTENCY_MIGRATIONS } from '@validahub/idempotency';
import { TENANCY_MIGRATIONS } from '@validahub/tenancy';
import { TenantUsage1768000000100 } from '../limits/migrations/1768000000100-tenant-usage';
import { CreateSchedules1768100000100 } from '../schedules/migrations/1768100000100-create-schedules';
import { ScheduleTemplates1768400000000 } from '../schedules/migrations/1768400000000-schedule-templates';
import { CreateWebhooks1768100000000 } from '../webhooks/migrations/1768100000000-create-webhooks';
import { CreateTemplatesAndWorkflows1768200000100 } from '../workflows/composition-schema';

/**
 * Tables the gateway adds to the jobs schema (idempotency keys, tenants and API keys, tenant usage, webhooks,
 * schedules, templates and workflows): its DataSource and `gateway:migrate` both use these. Migrations run in timestamp order, so the
 * tenancy tables come after the jobs and idempotency tables they reference.
 */
export const GATEWAY_EXTRA_ENTITIES = [...IDEMPOTENCY_ENTITIES];
export const GATEWAY_EXTRA_MIGRATIONS = [
  ...IDEMPOTENCY_MIGRATIONS,
  ...TENANCY_MIGRATIONS,
  // Limits: per-tenant usage counters and the quota trigger.
  TenantUsage1768000000100,
  // Push: webhook endpoints, deliveries and the outbox trigger; schedules and their runs.
  CreateWebhooks1768100000000,
  CreateSchedules1768100000100,
  // Composition: templates, workflows and their steps.
  CreateTemplatesAndWorkflows1768200000100,
  // Schedules that fire a template instead of a task.
  ScheduleTemplates1768400000000,
];
