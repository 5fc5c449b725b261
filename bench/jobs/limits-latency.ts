/**
 * What the per-tenant rate limits cost on POST /api/v1/jobs: a gateway with LIMITS_ENABLED=true
 * (limits raised so that nothing is refused: every request still draws its `requests` and
 * `creates` units from Redis) against one with LIMITS_ENABLED=false, both with API keys and the
 * same key, in one run (see gateway-pair-bench.ts for the method): p50/p99 from sequential
 * creates, then creates/s with 20 in flight. Target: +0.5 ms at p50. (The unfinished-jobs
 * counter is a Postgres trigger, present in both: it is not part of this difference.)
 * Usage: node -r @swc-node/register bench/jobs/limits-latency.ts [N]   (default 2000)
 */
import { requestCount, runBenchMain, runGatewayPairBench } from './gateway-pair-bench';

const HIGH = '100000000';

runBenchMain(() =>
  runGatewayPairBench(
    {
      name: 'benchlimits',
      body: { task: 'validate_csv_job', params: { input_uri: 'samples/bench.csv' } },
      env: {
        AUTH_MODE: 'required',
        RATE_LIMIT_CREATES_PER_MINUTE_PRO: HIGH,
        RATE_LIMIT_REQUESTS_PER_MINUTE_PRO: HIGH,
        QUOTA_UNFINISHED_JOBS_PRO: HIGH,
      },
      measured: { label: 'limits on', env: { LIMITS_ENABLED: 'true' }, withKey: true },
      baseline: { label: 'limits off', env: { LIMITS_ENABLED: 'false' }, withKey: true },
      cost: 'the limit check adds',
      throughputInFlight: 20,
    },
    requestCount(),
  ),
);
