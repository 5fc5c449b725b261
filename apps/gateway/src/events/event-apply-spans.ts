import {
  context,
  contextFromTraceparent,
  contextWithSpan,
  markFailed,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  startSpan,
  tracingStarted,
} from '@validahub/observability';
import type { StreamEvent } from '@validahub/jobs-queueing';

/**
 * The `job.event.apply` spans of one batch of worker events: one per event that carries a
 * `traceparent`, a child of the worker's span that sent it, so the job's trace ends with the
 * gateway writing its transition. A batch is one transaction, so every span covers all of it;
 * its Postgres statements are children of the span when the batch holds one traced event (with
 * several they belong to no single trace, and are left out). Nothing happens with tracing off.
 */
export class EventApplySpans {
  private readonly spans: (Span | undefined)[];

  constructor(batch: readonly StreamEvent[]) {
    this.spans = tracingStarted() ? batch.map(({ event, id }) => (event.traceparent ? startApplySpan(event, id) : undefined)) : [];
  }

  /** Runs the batch's work with the lone traced event's span active, else outside any trace. */
  around<T>(work: () => Promise<T>): Promise<T> {
    const traced = this.spans.filter((span): span is Span => span !== undefined);
    if (traced.length !== 1) return traced.length ? context.with(ROOT_CONTEXT, work) : work();
    return context.with(contextWithSpan(traced[0], ROOT_CONTEXT), work);
  }

  outcome(index: number, kind: string): void {
    this.spans[index]?.setAttribute('job.event.outcome', kind);
  }

  fail(error: unknown): void {
    for (const span of this.spans) if (span) markFailed(span, error);
  }

  end(): void {
    for (const span of this.spans) span?.end();
  }
}

function startApplySpan(event: StreamEvent['event'], entryId: string): Span {
  return startSpan('job.event.apply', {
    kind: SpanKind.CONSUMER,
    parent: contextFromTraceparent(event.traceparent, ROOT_CONTEXT),
    attributes: { 'job.id': event.jobId, 'job.event.type': event.type, 'job.attempt': event.attempt, 'job.event.entry_id': entryId },
  });
}
