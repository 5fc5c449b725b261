import { defaultStoragePolicy } from '../request/storage-policy';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../store/idempotency-store';
import type { TransactionExecutor } from '../store/transaction-executor';
import { attachIdempotencyContext, getIdempotencyContext, IdempotencyContext } from './idempotency-context';

class RecordingStore implements Pick<IdempotencyStore, 'completeWithin'> {
  readonly calls: { claim: IdempotencyClaim; response: StoredResponse }[] = [];
  async completeWithin(_executor: TransactionExecutor, claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    this.calls.push({ claim, response });
  }
}

const claim: IdempotencyClaim = { tenantId: 't', scope: 'POST /x', key: 'k', token: 'tok', fingerprint: 'f', retentionSeconds: 60 };
const executor = { query: async () => ({ rows: [], rowCount: 0 }) };

function contextWith(withClaim: boolean) {
  const store = new RecordingStore();
  const context = new IdempotencyContext(
    withClaim ? 'k' : undefined,
    withClaim ? claim : undefined,
    store as unknown as IdempotencyStore,
    defaultStoragePolicy,
  );
  return { store, context };
}

describe('IdempotencyContext', () => {
  it('records through the store with lower-cased headers and a JSON copy of the body', async () => {
    const { store, context } = contextWith(true);
    await context.completeWithin(executor, 202, { at: new Date('2024-01-15T10:30:00.000Z'), skip: undefined }, { Location: '/jobs/1' });
    expect(store.calls).toEqual([{ claim, response: { status: 202, headers: { location: '/jobs/1' }, body: { at: '2024-01-15T10:30:00.000Z' } } }]);
    expect(context.recorded).toEqual(store.calls[0].response);
    expect(context.active).toBe(true);
    expect(context.tenantId).toBe('t');
  });

  it('writes nothing without a claim but still remembers the response to send', async () => {
    const { store, context } = contextWith(false);
    await context.completeWithin(executor, 201, { id: 1 });
    expect(store.calls).toHaveLength(0);
    expect(context.recorded).toEqual({ status: 201, headers: {}, body: { id: 1 } });
    expect(context.active).toBe(false);
  });

  it('refuses a status that is never replayed, and a second recording', async () => {
    const { context } = contextWith(true);
    await expect(context.completeWithin(executor, 500, {})).rejects.toThrow(/not a replayable response/);
    await expect(context.completeWithin(executor, 400, {})).rejects.toThrow(/not a replayable response/);
    await context.completeWithin(executor, 201, {});
    await expect(context.completeWithin(executor, 201, {})).rejects.toThrow(/already called/);
  });

  it('is settled once only', () => {
    const { context } = contextWith(true);
    expect(context.markSettled()).toBe(true);
    expect(context.markSettled()).toBe(false);
  });

  it('travels on the request object', () => {
    const { context } = contextWith(true);
    const request = {};
    expect(getIdempotencyContext(request)).toBeUndefined();
    attachIdempotencyContext(request, context);
    expect(getIdempotencyContext(request)).toBe(context);
  });
});
