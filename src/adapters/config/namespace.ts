import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { NAME_PATTERN } from '../../domain/index.js';
import { ConfigError } from './config-error.js';

export type NamespaceSource = 'config' | 'env' | 'git' | 'path';

export interface NamespaceInput {
  readonly configNamespace?: string;
  readonly envNamespace?: string;
  readonly projectPath: string;
  readonly gitRemoteUrl?: string;
}

export interface ResolvedNamespace {
  readonly namespace: string;
  readonly source: NamespaceSource;
}

const MAX = 64;
const HASH_LENGTH = 6;

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);

/**
 * The same repository written any way git accepts, without credentials, port or `.git`:
 * `git@github.com:Org/Repo.git` and `https://user:token@github.com/org/repo` both give `github.com/org/repo`.
 */
export function normalizeGitRemote(url: string): string {
  // Everything up to the last "@" is user info, even a password with stray "/" or "@" in it.
  const withoutUser = (text: string): string => text.slice(text.lastIndexOf('@') + 1);
  const trimmed = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/i.exec(trimmed);
  let host = '';
  let path = trimmed;
  if (scheme) {
    const rest = withoutUser(scheme[1]!);
    const slash = rest.indexOf('/');
    host = (slash < 0 ? rest : rest.slice(0, slash)).replace(/:\d*$/, '');
    path = slash < 0 ? '' : rest.slice(slash);
  } else {
    // scp-like syntax: [user@]host:path, where the host is not a drive letter and has no slash.
    const scp = /^([^/]{2,}?):(?!\/\/)(.*)$/.exec(withoutUser(trimmed));
    if (scp && !trimmed.startsWith('/')) {
      host = scp[1]!;
      path = scp[2]!;
    }
  }
  path = path
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/^\/+/, '');
  return (host ? `${host}/${path}` : path).toLowerCase();
}

/**
 * A name matching `^[a-z0-9][a-z0-9-]{0,63}$` for any text. A 6-hex hash of `hashSource`
 * is appended when asked, or when the slug had to be shortened or was empty, so distinct sources stay distinct.
 */
export function slugifyNamespace(text: string, options: { hashSource?: string; withHash?: boolean } = {}): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const needsHash = options.withHash === true || slug.length > MAX || slug === '';
  if (!needsHash) return slug;
  const head = (slug || 'project').slice(0, MAX - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${head}-${shortHash(options.hashSource ?? text)}`;
}

function normalizedPath(projectPath: string): string {
  try {
    return realpathSync(projectPath);
  } catch {
    return resolve(projectPath);
  }
}

function explicit(value: string | undefined, what: string): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (!NAME_PATTERN.test(v))
    throw new ConfigError(
      `${what}: ${JSON.stringify(v)} is not a valid namespace; use 1-64 lowercase letters, digits or dashes`,
    );
  return v;
}

/**
 * The project's namespace: `.loom-config.json`, else WARP_NAMESPACE, else the git remote
 * (so one repo on two machines is one project), else the project path.
 *
 * @example resolveNamespace({ projectPath: '/x', gitRemoteUrl: 'git@github.com:Org/Repo.git' })
 *   // { namespace: 'github-com-org-repo', source: 'git' }
 */
export function resolveNamespace(input: NamespaceInput): ResolvedNamespace {
  const fromConfig = explicit(input.configNamespace, 'namespace in .loom-config.json');
  if (fromConfig) return { namespace: fromConfig, source: 'config' };
  const fromEnv = explicit(input.envNamespace, 'WARP_NAMESPACE');
  if (fromEnv) return { namespace: fromEnv, source: 'env' };
  const remote = input.gitRemoteUrl?.trim() ? normalizeGitRemote(input.gitRemoteUrl) : '';
  if (remote) return { namespace: slugifyNamespace(remote), source: 'git' };
  const path = normalizedPath(input.projectPath);
  return { namespace: slugifyNamespace(basename(path), { hashSource: path, withHash: true }), source: 'path' };
}

/** `remote.origin.url` of the repository at `projectPath`, or undefined (no git, no repo, no remote). */
export function readGitRemoteUrl(projectPath: string): string | undefined {
  try {
    const out = execFileSync('git', ['-C', projectPath, 'config', '--get', 'remote.origin.url'], {
      encoding: 'utf8',
      timeout: 2_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}
