#!/usr/bin/env node
// Lints sources that exist only in memory, as if they were files at the given paths, with the
// repository's ESLint config: `[{ filePath, source }]` as JSON on stdin, each file's messages as
// JSON on stdout. Tests run it as a child process because jest cannot load the ESM config.
import { ESLint } from 'eslint';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const eslint = new ESLint();
const results = [];
for (const { filePath, source } of JSON.parse(input)) {
  const [result] = await eslint.lintText(source, { filePath });
  results.push({ filePath, messages: result.messages });
}
process.stdout.write(JSON.stringify(results));
