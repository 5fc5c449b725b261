import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickReplayedHeaders } from '../request/storage-policy';
import type { IdempotencyClaim, IdempotencyStore } from '../store/idempotency-store';
import { IDEMPOTENCY_OPTIONS, IDEMPOTENCY_STORE } from './idempotency.constants';
import { getIdempotencyContext, IdempotencyContext } from './idempotency-context';
import type { ResolvedIdempotencyOptions } from './idempotency.options';

const NOT_REPLAYABLE = Symbol('not-replayable');

/**
 * Settles every claimed key when its response goes out (Fastify onSend, after Nest's exception
 * filters have shaped error bodies): stores a replayable response exactly as it is sent, or
 * releases the claim so the client can retry. Keys completed by the handler in its own
 * transaction are only checked, never overwritten.
 */
@Injectable()
export class ResponseRecorder implements OnModuleInit {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: ResolvedIdempotencyOptions,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // an application context without HTTP: nothing to record
    const instance = adapter.getInstance() as Partial<FastifyInstance>;
    if (typeof instance.addHook !== 'function' || adapter.getType() !== 'fastify') {
      throw new Error(`IdempotencyModule needs the Fastify HTTP adapter (found "${adapter.getType()}")`);
    }
    instance.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const context = getIdempotencyContext(request);
      if (context?.claim && context.markSettled()) await this.settle(context.claim, context, reply, payload);
      return payload;
    });
  }

  private async settle(claim: IdempotencyClaim, context: IdempotencyContext, reply: FastifyReply, payload: unknown): Promise<void> {
    const status = reply.statusCode;
    try {
      // Recorded in the handler's transaction: if that rolled back the claim is still in flight,
      // and releasing it lets a retry run again; if it committed this deletes nothing.
      if (context.recorded || !this.options.storagePolicy(status)) {
        await this.store.release(claim);
        return;
      }
      const headers = pickReplayedHeaders(reply.getHeaders(), this.options.replayedHeaders);
      const body = decodePayload(payload, headers['content-type']);
      if (body === NOT_REPLAYABLE) {
        this.logger.warn(`response of ${claim.scope} is a stream or binary and cannot be replayed; key "${claim.key}" released`);
        await this.store.release(claim);
        return;
      }
      const stored = await this.store.complete(claim, body === undefined ? { status, headers } : { status, headers, body });
      if (!stored) {
        this.logger.warn(`key "${claim.key}" on ${claim.scope} was taken over while its request ran; its response was not stored`);
      }
    } catch (error) {
      // The response itself is still sent; the claim stays until its lock expires.
      this.logger.error(`could not settle key "${claim.key}" on ${claim.scope}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function decodePayload(payload: unknown, contentType: string | undefined): unknown {
  if (payload === undefined || payload === null || payload === '') return undefined;
  if (typeof payload !== 'string') return NOT_REPLAYABLE;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(payload);
    } catch {
      return payload;
    }
  }
  return payload;
}
