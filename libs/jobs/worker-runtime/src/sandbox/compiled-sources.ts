import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Options } from '@swc/core';

const TEST_FILE = /\.(spec|integration-spec|e2e-spec)\.ts$/;
const COMPLETE_MARKER = '.complete';

/**
 * The file a sandbox thread loads. Threads must load plain JavaScript: TypeScript through
 * @swc-node/register costs every thread ~75 MB of RSS and ~1 s (it loads the TypeScript
 * compiler), five times over on an enterprise worker. Running from sources (as everywhere in
 * this repository), the libraries are compiled once with @swc/core into a cache folder keyed by
 * their content; running from built JavaScript, the file beside this one is used as it is.
 */
export function sandboxThreadFile(): string {
  if (__filename.endsWith('.js')) return join(__dirname, 'sandbox-thread.js');
  const root = workspaceRoot(__dirname);
  const compiled = compileLibraries(root);
  return join(compiled, relative(root, __dirname), 'sandbox-thread.js');
}

function workspaceRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tsconfig.base.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`sandbox: no tsconfig.base.json above ${from}`);
  }
}

function typescriptSources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typescriptSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !TEST_FILE.test(entry.name) ? [path] : [];
  });
}

function swcOptions(root: string): Options {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      // Rewrites the @validahub/* aliases to relative paths, so plain `require` finds them.
      baseUrl: root,
      paths: compilerOptions.paths,
    },
    module: { type: 'commonjs' },
  };
}

/**
 * Compiles every library source into `<tmp>/validahub-sandbox-<hash>`, where the hash covers
 * the sources and the compiler options, so a changed file means a fresh folder. The folder is
 * written under a temporary name and renamed when complete, so processes starting together
 * never load a half-written tree; `node_modules` links back to the workspace's.
 */
function compileLibraries(root: string): string {
  const sources = typescriptSources(join(root, 'libs'));
  const options = swcOptions(root);
  const hash = createHash('sha256').update(JSON.stringify(options));
  const contents = sources.map((file) => {
    const content = readFileSync(file, 'utf8');
    hash.update(relative(root, file)).update('\0').update(content).update('\0');
    return content;
  });
  const target = join(tmpdir(), `validahub-sandbox-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(target, COMPLETE_MARKER))) return target;

  // Loaded here, not at the top: a built worker (production dependencies only) never gets this far.
  const { transformSync } = require('@swc/core') as typeof import('@swc/core');
  const staging = `${target}.${process.pid}-${randomBytes(4).toString('hex')}`;
  sources.forEach((file, i) => {
    const out = join(staging, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, transformSync(contents[i], { ...options, filename: file }).code);
  });
  symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
  writeFileSync(join(staging, COMPLETE_MARKER), '');
  try {
    renameSync(staging, target);
  } catch (error) {
    // Another process finished the same tree first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(target, COMPLETE_MARKER))) throw error;
  }
  return target;
}
