// Test-only entry point: a gateway process with GatewayOptions from TEST_GATEWAY_OPTIONS (JSON),
// so a fault test can SIGKILL a gateway whose knobs (lease, poll interval) it chose.
import { loadConfig } from '@validahub/config';
import { createGatewayApp } from '../../create-gateway-app';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.TEST_GATEWAY_OPTIONS ?? '{}');
  const app = await createGatewayApp(loadConfig(process.env), options);
  await app.init();
  process.stdout.write('gateway-child ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway-child failed: ${String(error)}\n`);
  process.exit(1);
});
