// `npm run config:docs`: writes the configuration table into README.md and the variables into
// .env.example, from the config library's own description of what it reads. `--check` only
// reports drift (exit 1), as libs/shared/config's config-docs.spec.ts does.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DOC_TARGETS, describeConfig, replaceBetweenMarkers } from '@validahub/config';

const root = join(__dirname, '..', '..');
const variables = describeConfig();
const undocumented = variables.filter((v) => !v.meaning).map((v) => v.name);
if (undocumented.length) {
  console.error(`config:docs: describe ${undocumented.join(', ')} in libs/shared/config/src/docs/variable-meanings.ts`);
  process.exit(1);
}
let stale = 0;
for (const target of CONFIG_DOC_TARGETS) {
  const path = join(root, target.file);
  const before = readFileSync(path, 'utf8');
  const after = replaceBetweenMarkers(before, target.start, target.end, target.render(variables));
  if (before === after) continue;
  stale += 1;
  if (process.argv.includes('--check')) console.error(`config:docs: ${target.file} is stale; run npm run config:docs`);
  else writeFileSync(path, after);
}
process.exit(process.argv.includes('--check') && stale ? 1 : 0);
