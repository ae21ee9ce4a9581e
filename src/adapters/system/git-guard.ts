import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The line that marks a pre-commit hook as Warp's own. */
const MARK = '# warp-guard:';
/** Where a hook that was there before is kept, and run first. */
const CHAINED = 'pre-commit.before-warp';

const git = (cwd: string, args: readonly string[]): string =>
  execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });

export class NotARepository extends Error {}

/** The repository's hooks directory (core.hooksPath and worktrees included). */
function hooksDir(repo: string): string {
  try {
    return resolve(repo, git(repo, ['rev-parse', '--git-path', 'hooks']).trim());
  } catch {
    throw new NotARepository(`${repo} is not in a git repository; give one with --repo DIR`);
  }
}

/** The top of the work tree `cwd` is in. */
export function workTreeRoot(cwd: string): string {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new NotARepository(`${cwd} is not in a git work tree`);
  }
}

/** The paths the next commit changes (added, changed, deleted; both sides of a rename), relative to the work tree's top. */
export function stagedPaths(cwd: string): string[] {
  return git(cwd, ['diff', '--cached', '--name-only', '--no-renames', '-z'])
    .split('\0')
    .filter((p) => p.length > 0);
}

const shellQuote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

function script(warp: readonly string[], handle: string): string {
  return [
    '#!/bin/sh',
    `${MARK} refuses a commit of paths another agent reserved (Warp path reservations).`,
    '# Installed by `warp guard install`; `warp guard uninstall` removes it and puts back the hook it chained.',
    '# Bypass: WARP_GUARD=off git commit ..., or git commit --no-verify.',
    'hooks=$(dirname "$0")',
    `if [ -x "$hooks/${CHAINED}" ]; then`,
    `  "$hooks/${CHAINED}" "$@" || exit $?`,
    'fi',
    '[ "$WARP_GUARD" = "off" ] && exit 0',
    `exec ${[...warp, 'guard', 'check', '--agent', handle].map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

const isOurs = (file: string): boolean => existsSync(file) && readFileSync(file, 'utf8').includes(MARK);

/**
 * Installs the guard as the repository's pre-commit hook. A hook already there (not Warp's) is
 * kept beside it and run first; nothing is overwritten. Installing again updates Warp's own.
 */
export function installGuard(repo: string, handle: string, warp: readonly string[]): string[] {
  const dir = hooksDir(repo);
  const hook = join(dir, 'pre-commit');
  const chained = join(dir, CHAINED);
  const report: string[] = [];
  if (isOurs(hook)) report.push(`${hook}: updated the Warp guard (as ${handle})`);
  else {
    if (existsSync(hook)) {
      if (existsSync(chained))
        throw new Error(`${hook} and ${chained} both exist; remove one of them (nothing was changed)`);
      renameSync(hook, chained);
      report.push(`${hook}: kept the hook that was there as ${CHAINED}; it runs first`);
    }
    report.push(`${hook}: installed the Warp guard (as ${handle})`);
  }
  writeFileSync(hook, script(warp, handle));
  chmodSync(hook, 0o755);
  return report;
}

/** Removes Warp's pre-commit hook and puts back the one it chained. */
export function uninstallGuard(repo: string): string[] {
  const dir = hooksDir(repo);
  const hook = join(dir, 'pre-commit');
  if (!isOurs(hook)) return [`${hook}: no Warp guard installed; nothing was changed`];
  rmSync(hook);
  const chained = join(dir, CHAINED);
  if (!existsSync(chained)) return [`${hook}: removed the Warp guard`];
  renameSync(chained, hook);
  return [`${hook}: removed the Warp guard and put back the hook it chained`];
}
