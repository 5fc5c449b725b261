import { join } from 'node:path';
import { readEnvironment } from '@validahub/config';
import { runCli } from './cli';

// The repository's .env (beside package.json) applies wherever the command is run from.
const env = readEnvironment({ envFile: join(__dirname, '..', '..', '..', '.env') });
// The exit code is set, not forced, so pending writes to stdout/stderr are flushed first.
runCli(process.argv, { stdout: process.stdout, stderr: process.stderr }, env).then((code) => {
  process.exitCode = code;
});
