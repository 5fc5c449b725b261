import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFileSync } from '@swc/core';

const ROOT = join(__dirname, '..', '..');

function typescriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') && !/\.(spec|integration-spec|e2e-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Compiles the engine and the mode runner to plain JavaScript (same swc settings as jest), so
 * the measured processes do not carry the TypeScript loader: @swc-node/register alone adds
 * ~100 MB of RSS, which would swamp the engine's own peak. Returns the runner's path; run it
 * with NODE_PATH pointing at the workspace's node_modules.
 */
export function compileForBench(): { runner: string; cleanup: () => void } {
  const outDir = join(ROOT, 'tmp', `bench-csv-rules-${process.pid}`);
  const { compilerOptions } = require(join(ROOT, 'tsconfig.base.json')) as { compilerOptions: { paths: Record<string, string[]> } };
  const sources = [...typescriptFiles(join(ROOT, 'libs', 'csv-rules', 'src')), join(__dirname, 'run-mode.ts'), join(__dirname, 'hostile-shapes.ts')];
  for (const source of sources) {
    const { code } = transformFileSync(source, {
      swcrc: false,
      jsc: {
        parser: { syntax: 'typescript' },
        target: 'es2022',
        baseUrl: ROOT,
        paths: compilerOptions.paths,
      },
      module: { type: 'commonjs' },
    });
    const target = join(outDir, relative(ROOT, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  return {
    runner: join(outDir, 'bench', 'csv-rules', 'run-mode.js'),
    cleanup: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
