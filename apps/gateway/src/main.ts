import './start-tracing';
import 'reflect-metadata';
import { ConfigError, loadConfig, readEnvironment } from '@validahub/config';
import { createGatewayApp } from './create-gateway-app';

async function main(): Promise<void> {
  const config = loadConfig(readEnvironment());
  const app = await createGatewayApp(config);
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
}

main().catch((error: unknown) => {
  // Config problems are the operator's to fix: say which variables, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
