import 'reflect-metadata';
import { runAdminCli } from './admin-cli';

// The exit code is set, not forced, so pending writes to stdout/stderr are flushed first.
runAdminCli(process.argv, { stdout: process.stdout, stderr: process.stderr }, process.env).then((code) => {
  process.exitCode = code;
});
