import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/**
 * The root that reservation paths are relative to: the git root of `projectPath` (the nearest
 * folder up from it holding `.git`, a directory or a worktree's file), else `projectPath` itself;
 * links resolved, so that the same file is named the same way from everywhere.
 *
 * @example findProjectRoot('/repo/src/app') // '/repo' when /repo/.git exists
 */
export function findProjectRoot(projectPath: string): string {
  const start = real(resolve(projectPath));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/**
 * An absolute path with links resolved as far as it exists (a file about to be written does not
 * yet): how a path given by a tool is compared with the project root.
 */
export function resolveExisting(path: string): string {
  const absolute = resolve(path);
  const rest: string[] = [];
  for (let dir = absolute; ; dir = dirname(dir)) {
    if (existsSync(dir)) return join(real(dir), ...rest.reverse());
    if (dirname(dir) === dir) return absolute;
    rest.push(basename(dir));
  }
}
