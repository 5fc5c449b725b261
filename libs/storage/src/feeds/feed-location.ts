import { StorageUriError } from '../errors';
import { trimPrefix } from '../results';
import { prefixBesideResults } from '../uploads/upload-target';

/** A feed's file name: what `sync_connector_job`'s `name` may be. No separators, no leading dot. */
export const FEED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface FeedLocations {
  /** The synced feed itself; its URI is what a later job takes as `input_uri`. */
  objectUri: string;
  /** Small JSON beside it (in a `.sync/` folder no feed name can reach) with what the last sync saw. */
  stateUri: string;
}

/**
 * Where a synced feed goes: `<feeds prefix>/<name>`, the feeds prefix sitting beside the
 * uploads (`s3://<results bucket>/feeds` or `feeds` under the local root). Every feed key is
 * built here, so giving each tenant its own root changes this function only.
 */
export function feedLocations(resultsUri: string, _tenantId: string | undefined, name: string): FeedLocations {
  if (typeof name !== 'string' || !FEED_NAME.test(name)) {
    throw new StorageUriError(
      'invalid_object_name',
      `feed name ${JSON.stringify(name)} must be 1-128 letters, digits, ".", "_" or "-", not starting with "."`,
    );
  }
  const prefix = trimPrefix(prefixBesideResults(resultsUri, 'feeds'));
  return { objectUri: `${prefix}/${name}`, stateUri: `${prefix}/.sync/${name}.json` };
}
