#!/usr/bin/env node
// The OpenAPI document and the client types generated from it.
//   generate  build the document offline (no servers) and regenerate libs/jobs/client/src/generated/
//   check     fail when the committed document or types differ from what the code generates now
//   lint      Redocly's recommended rules on the fresh document (0 errors required)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const generatedDir = join(root, 'libs', 'jobs', 'client', 'src', 'generated');
const tmpDir = join(root, 'tmp', 'openapi');
// Redocly would otherwise phone home (telemetry, update checks).
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' };

function run(args, what) {
  const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`openapi: ${what} failed (exit ${result.status})`);
    process.exit(1);
  }
}

function generateInto(dir) {
  mkdirSync(dir, { recursive: true });
  run(['-r', '@swc-node/register', 'apps/gateway/src/openapi/write-openapi.ts', join(dir, 'openapi.json')], 'building the document');
  run(
    [
      'node_modules/openapi-typescript/bin/cli.js',
      join(dir, 'openapi.json'),
      '--output',
      join(dir, 'api-types.ts'),
      '--default-non-nullable',
      'false',
      '--silent',
    ],
    'openapi-typescript',
  );
}

const command = process.argv[2];
if (command === 'generate') {
  generateInto(generatedDir);
  console.log(`openapi: wrote ${generatedDir}/openapi.json and api-types.ts`);
} else if (command === 'check') {
  generateInto(tmpDir);
  const stale = ['openapi.json', 'api-types.ts'].filter((file) => {
    const committed = join(generatedDir, file);
    return !existsSync(committed) || readFileSync(committed, 'utf8') !== readFileSync(join(tmpDir, file), 'utf8');
  });
  if (stale.length) {
    console.error(`openapi: ${stale.join(' and ')} in libs/jobs/client/src/generated are stale; run \`npm run openapi:generate\` and commit them`);
    process.exit(1);
  }
  console.log('openapi: generated client files are up to date');
} else if (command === 'lint') {
  generateInto(tmpDir);
  run(['node_modules/@redocly/cli/bin/cli.js', 'lint', '--config', 'redocly.yaml', join(tmpDir, 'openapi.json')], 'redocly lint');
} else {
  console.error('usage: node tools/scripts/openapi.mjs generate|check|lint');
  process.exit(2);
}
