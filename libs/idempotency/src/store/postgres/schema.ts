import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { CreateIdempotencyKeys1767225600000 } from './migrations/1767225600000-create-idempotency-keys';

/** Add to the app's DataSource `entities`. */
export const IDEMPOTENCY_ENTITIES = [IdempotencyKeyEntity];
/** Add to the app's DataSource `migrations` (the app owns the DataSource and runs them). */
export const IDEMPOTENCY_MIGRATIONS = [CreateIdempotencyKeys1767225600000];
