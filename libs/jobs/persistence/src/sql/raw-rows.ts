import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Maps a raw `RETURNING *` row onto an entity through TypeORM's own column metadata
 * (database names and value transformers), so hand-written hot-path SQL returns the same
 * objects as the repository methods.
 */
export function entityFromRow<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, row: Record<string, unknown>): T {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (!(column.databaseName in row)) continue;
    const raw = row[column.databaseName];
    const transformer = column.transformer;
    const value = transformer && !Array.isArray(transformer) ? transformer.from(raw) : raw;
    (entity as Record<string, unknown>)[column.propertyName] = value;
  }
  return entity;
}

/**
 * The rows of an `UPDATE ... RETURNING`, which TypeORM's postgres driver hands back as
 * `[rows, affectedCount]` (other statements come back as the rows themselves).
 */
export async function returnedRows<T>(result: Promise<unknown>): Promise<T[]> {
  const value = await result;
  if (Array.isArray(value) && value.length === 2 && Array.isArray(value[0]) && typeof value[1] === 'number') return value[0] as T[];
  return value as T[];
}
