import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

// The types are generated from the gateway's document; a change to the API without
// `npm run openapi:generate` would leave the client typed against an API that no longer exists.
describe('generated client types', () => {
  it('match the document the gateway builds now', () => {
    const check = spawnSync(process.execPath, ['tools/scripts/openapi.mjs', 'check'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: check.status, stderr: check.stderr.split('\n').filter((line) => line.startsWith('openapi:')) }).toEqual({
      status: 0,
      stderr: [],
    });
  }, 60_000);
});
