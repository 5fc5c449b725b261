/**
 * What API-key authentication costs on POST /api/v1/jobs: a gateway with AUTH_MODE=required
 * against one with AUTH_MODE=open, in one run (see gateway-pair-bench.ts for the method). The
 * keyed gateway verifies the key on every request (checksum, cached record, HMAC, constant-time
 * compare); the target is at most +0.5 ms at p50.
 * Usage: node -r @swc-node/register bench/jobs/auth-latency.ts [N]   (default 2000)
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@validahub/config';
import { KeyHasher, parseApiKey } from '@validahub/tenancy';
import { requestCount, runBenchMain, runGatewayPairBench } from './gateway-pair-bench';

/** The CPU work a cached key costs per request (checksum, HMAC, constant-time compare), in this process: microseconds per call. */
function verificationMicros(key: string): number {
  const hasher = new KeyHasher(loadConfig({}).security.apiKeySecret as string);
  const stored = hasher.hash(parseApiKey(key)!);
  const rounds = 100_000;
  let matched = 0;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) if (hasher.matches(parseApiKey(key)!, stored)) matched += 1;
  if (matched !== rounds) throw new Error('the key did not verify');
  return ((performance.now() - started) * 1_000) / rounds;
}

runBenchMain(() =>
  runGatewayPairBench(
    {
      name: 'benchauth',
      body: { task: 'validate_csv_job', params: { input_uri: 'samples/bench.csv' }, plan: 'pro' },
      measured: { label: 'API key (required)', env: { AUTH_MODE: 'required' }, withKey: true },
      baseline: { label: 'AUTH_MODE=open', env: { AUTH_MODE: 'open' }, withKey: false },
      cost: 'authentication adds',
      extraLines: (key) => [
        `in-process cost of verifying a cached key (parse + checksum + HMAC + compare): ${verificationMicros(key).toFixed(1)} µs`,
      ],
    },
    requestCount(),
  ),
);
