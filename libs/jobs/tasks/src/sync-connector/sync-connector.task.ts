import { defineTask } from '../task';
import { runSync, syncDeps } from './run-sync';
import { syncParams } from './sync-params';

export const syncConnectorTask = defineTask({
  name: 'sync_connector_job',
  description: "Fetch a product feed (https or s3) into the tenant's feeds/ storage, conditionally, streaming.",
  params: syncParams,
  // A large feed from a slow server needs longer than a CSV check; the idle cap still ends a stuck one in 60 s.
  defaults: { timeLimitSeconds: 1800 },
  handler: (deps) => {
    const resolved = syncDeps(deps);
    return (ctx) => runSync(ctx, resolved);
  },
});
