import { MigrationInterface, QueryRunner } from 'typeorm';

// Written out in full (not derived from code) so the migration stays what it was when it ran.
/**
 * Webhook endpoints, their deliveries (the outbox) and the trigger that writes the outbox: every
 * audit row of a transition (`job_events`, written by the event applier, the API's cancel and the
 * reconciler alike, each in its transition's transaction) inserts one pending delivery per
 * enabled endpoint of the job's tenant subscribed to that event. So the delivery commits or rolls
 * back with the transition itself, whoever wrote it.
 */
export class CreateWebhooks1768100000000 implements MigrationInterface {
  name = 'CreateWebhooks1768100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        message_id text NOT NULL,
        event_type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed'))
      )`);
    await queryRunner.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC)`);
    // The sender only ever looks at due pending deliveries.
    await queryRunner.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await queryRunner.query(`
      CREATE FUNCTION webhook_outbox_on_transition() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        event_type text := CASE NEW.to_status
          WHEN 'running' THEN 'job.started'
          WHEN 'retrying' THEN 'job.retrying'
          WHEN 'succeeded' THEN 'job.succeeded'
          WHEN 'failed' THEN 'job.failed'
          WHEN 'cancelled' THEN 'job.cancelled'
          WHEN 'expired' THEN 'job.expired'
        END;
      BEGIN
        IF event_type IS NULL THEN
          RETURN NULL;
        END IF;
        -- The job as it is in this transaction, with the transition's own status, attempt,
        -- progress and message (a batch may move a job through several statuses at once).
        INSERT INTO webhook_deliveries (id, endpoint_id, message_id, event_type, occurred_at, data, next_attempt_at)
        SELECT gen_random_uuid(), e.id, 'msg_' || replace(gen_random_uuid()::text, '-', ''), event_type, NEW.at,
               to_jsonb(j) || jsonb_build_object('status', NEW.to_status, 'attempts', NEW.attempt,
                                                 'progress', coalesce(NEW.progress, j.progress), 'message', NEW.message),
               now()
          FROM jobs j
          JOIN webhook_endpoints e ON e.tenant_id = j.tenant_id
         WHERE j.id = NEW.job_id AND e.enabled AND event_type = ANY (e.events);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER job_events_webhook_outbox AFTER INSERT ON job_events
        FOR EACH ROW EXECUTE FUNCTION webhook_outbox_on_transition()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER job_events_webhook_outbox ON job_events`);
    await queryRunner.query(`DROP FUNCTION webhook_outbox_on_transition()`);
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_endpoints`);
  }
}
