import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { StorageAccessError } from '../errors';
import { refuse } from './path-checks';
import type { LocalLocation } from './storage-location';

/**
 * Confines an absolute path to the root by comparing real paths: the real path of the
 * nearest existing ancestor plus the not-yet-existing rest. So a symlink anywhere on the
 * way that points out of the root is caught, for reads and for writes of new files alike.
 */
export function confineToRoot(absolutePath: string, localRoot: string, input: string): LocalLocation {
  const lexicalRoot = resolve(localRoot);
  const realRoot = realRootOf(lexicalRoot, input);
  const lexical = resolve(absolutePath);
  const real = realpathOfNearest(lexical, input);
  if (!isInside(real, realRoot)) {
    const lexicallyInside = isInside(lexical, lexicalRoot) || isInside(lexical, realRoot);
    throw lexicallyInside
      ? refuse('symlink_escape', input, 'goes through a symbolic link that points outside the storage root')
      : refuse('outside_root', input, 'is outside the storage root');
  }
  if (real === realRoot) throw refuse('empty', input, 'names the storage root itself, not a file');
  return { kind: 'local', absolutePath: real, relativePath: relative(realRoot, real).split(sep).join('/') };
}

/**
 * Real paths of roots (the storage root, a tenant's prefix) that existed when first confined
 * to: a root is not moved or swapped for a link while a process runs, so each is resolved once
 * instead of on every request. The path below the root is still resolved every time.
 */
const realRoots = new Map<string, string>();
const MAX_REAL_ROOTS = 10_000;

function realRootOf(lexicalRoot: string, input: string): string {
  const cached = realRoots.get(lexicalRoot);
  if (cached !== undefined) return cached;
  let real: string;
  try {
    real = realpathSync.native(lexicalRoot);
  } catch {
    // Not there yet (a tenant's first upload): resolve as any path, and remember nothing.
    return realpathOfNearest(lexicalRoot, input);
  }
  if (realRoots.size >= MAX_REAL_ROOTS) realRoots.clear();
  realRoots.set(lexicalRoot, real);
  return real;
}

export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function realpathOfNearest(path: string, input: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync.native(current), ...missing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || (code === 'ENOENT' && isSymlink(current))) {
        throw refuse('unresolvable_symlink', input, 'goes through a symbolic link that cannot be resolved');
      }
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new StorageAccessError(`cannot resolve storage path ${JSON.stringify(input)}: ${code ?? 'error'}`, {
          cause: error,
          uri: input,
        });
      }
      const parent = dirname(current);
      if (parent === current) throw error;
      missing.unshift(basename(current));
      current = parent;
    }
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
