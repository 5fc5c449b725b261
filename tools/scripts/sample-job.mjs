#!/usr/bin/env node
// Submits a sample validate_csv_job to a running gateway and follows it to the end.
// Usage: VALIDAHUB_API_KEY=vh_... node tools/scripts/sample-job.mjs [--gateway http://127.0.0.1:3001] [--input samples/sample.csv]
import { parseArgs } from 'node:util';

export async function runSampleJob(gateway, input, apiKey, timeoutSeconds = 120) {
  const auth = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const create = await fetch(`${gateway}/api/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({
      task: 'validate_csv_job',
      params: { input_uri: input, marketplace: 'mercado_livre', category: 'electronics', auto_fix: true },
      plan: 'pro',
    }),
  });
  const created = await create.json();
  if (create.status !== 202) throw new Error(`create failed: ${create.status} ${JSON.stringify(created)}`);
  console.log(`job ${created.id} queued on ${created.queue} (correlation id ${created.correlation_id})`);
  const until = Date.now() + timeoutSeconds * 1000;
  let job;
  let last = '';
  while (Date.now() < until) {
    job = await (await fetch(`${gateway}/api/v1/jobs/${created.id}`, { headers: auth })).json();
    const line = `  ${job.status} ${job.progress}% ${job.message ?? ''}`;
    if (line !== last) console.log(line);
    last = line;
    if (['succeeded', 'failed', 'cancelled', 'expired'].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (job?.status !== 'succeeded') throw new Error(`job ended ${job?.status}: ${JSON.stringify(job?.error)}`);
  const events = await (await fetch(`${gateway}/api/v1/jobs/${created.id}/events`, { headers: auth })).json();
  console.log(`audit trail: ${events.items.map((e) => e.to_status).join(' -> ')}`);
  console.log(`summary: ${JSON.stringify(job.summary)}`);
  console.log(`result: ${job.result_ref} (GET ${gateway}/api/v1/jobs/${job.id}/result/content)`);
  return job;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string', default: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3001' },
      input: { type: 'string', default: 'samples/sample.csv' },
      timeout: { type: 'string', default: '120' },
      'api-key': { type: 'string', default: process.env.VALIDAHUB_API_KEY },
    },
  });
  runSampleJob(values.gateway, values.input, values['api-key'], Number(values.timeout)).catch((error) => {
    console.error(String(error.message ?? error));
    process.exit(1);
  });
}
