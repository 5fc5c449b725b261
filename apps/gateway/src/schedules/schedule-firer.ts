import { Inject, Injectable, Logger } from '@nestjs/common';
import { fingerprintRequest, IDEMPOTENCY_OPTIONS, IDEMPOTENCY_STORE, IdempotencyStore, ResolvedIdempotencyOptions } from '@validahub/idempotency';
import { TenancyStore } from '@validahub/tenancy';
import { ProblemException } from '../http/problem';
import { CreateJobDto } from '../jobs/create-job.dto';
import { JobCreator } from '../jobs/job-creator';
import { toCreatedView } from '../jobs/job-views';
import { recordInOutbox } from '../webhooks/webhook-outbox';
import { scheduleContext } from './schedule-auth';
import type { ScheduleRecord } from './schedule-records';

/** The idempotency scope of `POST /api/v1/jobs`: a fire is that create, with its own key. */
const CREATE_SCOPE = 'POST /api/v1/jobs';
const CREATE_ROUTE = '/api/v1/jobs';

/**
 * - `created`: this call created the fire's job;
 * - `existing`: the fire's job already exists (another scheduler, or this one before a crash);
 * - `busy`: another scheduler is creating it right now (try again on a later tick);
 * - `refused`: the create was refused (tenant suspended, params no longer valid): the fire is dropped.
 */
export type FireOutcome = { kind: 'created'; jobId: string } | { kind: 'existing' } | { kind: 'busy' } | { kind: 'refused'; reason: string };

/**
 * Creates the job of one fire through the API's own create path (JobCreator: validation, plan
 * and priority rules, storage scope, limits, enqueue) under the idempotency key
 * `schedule:<id>:<scheduled time>`, so a fire makes exactly one job whichever scheduler runs it.
 */
@Injectable()
export class ScheduleFirer {
  private readonly logger = new Logger('ScheduleFirer');

  constructor(
    private readonly creator: JobCreator,
    private readonly tenants: TenancyStore,
    @Inject(IDEMPOTENCY_STORE) private readonly keys: IdempotencyStore,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly keyOptions: ResolvedIdempotencyOptions,
  ) {}

  async fire(schedule: ScheduleRecord, at: Date): Promise<FireOutcome> {
    const tenant = await this.tenants.findTenant(schedule.tenantId);
    if (!tenant || tenant.status !== 'active') return { kind: 'refused', reason: `tenant ${tenant ? 'suspended' : 'gone'}` };
    const key = fireKey(schedule.id, at);
    const body = bodyOf(schedule);
    const outcome = await this.keys.claim({
      tenantId: tenant.id,
      scope: CREATE_SCOPE,
      key,
      fingerprint: fingerprintRequest({ method: 'POST', route: CREATE_ROUTE, body, bodyField: 'idempotency_key' }),
      lockTimeoutMs: this.keyOptions.lockTimeoutMs,
      retentionSeconds: this.keyOptions.retentionSeconds,
    });
    // A different body under the same key: the schedule was edited between two tries of this fire, whose job exists.
    if (outcome.kind === 'replay' || outcome.kind === 'mismatch') return { kind: 'existing' };
    if (outcome.kind === 'in_flight') return { kind: 'busy' };
    const claim = outcome.claim;
    try {
      const job = await this.creator.create(body, scheduleContext(tenant, key), {
        idempotencyKey: key,
        within: async (manager, created) => {
          await this.keys.completeWithin(manager, claim, {
            status: 202,
            headers: { location: `/api/v1/jobs/${created.id}` },
            body: toCreatedView(created),
          });
          await manager.query(`INSERT INTO schedule_runs (schedule_id, scheduled_for, job_id) VALUES ($1, $2, $3)`, [schedule.id, at, created.id]);
          // schedule.fired goes into the webhook outbox in the same transaction as the job it announces.
          await recordInOutbox(manager, {
            tenantId: tenant.id,
            type: 'schedule.fired',
            occurredAt: at,
            data: { schedule_id: schedule.id, name: schedule.name, scheduled_for: at.toISOString(), job_id: created.id },
          });
        },
      });
      return { kind: 'created', jobId: job.id };
    } catch (error) {
      await this.keys.release(claim).catch(() => undefined);
      if (error instanceof ProblemException && error.spec.status < 500) {
        this.logger.warn({ schedule_id: schedule.id, scheduled_for: at.toISOString(), problem: error.spec.detail }, 'a schedule fire was refused');
        return { kind: 'refused', reason: error.spec.detail };
      }
      throw error;
    }
  }
}

export function fireKey(scheduleId: string, at: Date): string {
  return `schedule:${scheduleId}:${at.toISOString()}`;
}

/**
 * The create request of a fire: the task, or the template reference as saved, which
 * `JobCreator.prepare` resolves now like any `POST /jobs {template}` (`name` takes the latest
 * version at this fire; a template deleted since makes the fire `refused`).
 */
function bodyOf(schedule: ScheduleRecord): CreateJobDto {
  const body = (
    schedule.template !== null ? { template: schedule.template, params: schedule.params } : { task: schedule.task, params: schedule.params }
  ) as CreateJobDto;
  if (schedule.priority !== null) body.priority = schedule.priority;
  return body;
}
