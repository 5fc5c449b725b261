import { runCli } from './cli';

// The exit code is set, not forced, so pending writes to stdout/stderr are flushed first.
runCli(process.argv, { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
