import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizeGitRemote,
  readGitRemoteUrl,
  resolveNamespace,
  slugifyNamespace,
} from '../../../src/adapters/config/index.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

describe('normalizeGitRemote', () => {
  it.each([
    'git@github.com:Org/Repo.git',
    'https://github.com/org/repo',
    'https://github.com/org/repo/',
    'ssh://git@github.com/org/repo.git',
    'ssh://git@github.com:22/org/repo.git',
    'https://user:token@github.com/org/repo.git',
    'https://user:to/k@en@github.com/org/repo.git',
    'git://github.com/org/repo.git',
    '  git@github.com:org/repo  ',
  ])('%s is github.com/org/repo', (url) => {
    expect(normalizeGitRemote(url)).toBe('github.com/org/repo');
  });

  it('keeps local remotes as paths', () => {
    expect(normalizeGitRemote('/srv/git/Project.git')).toBe('srv/git/project');
    expect(normalizeGitRemote('file:///srv/git/project.git')).toBe('srv/git/project');
  });
});

describe('resolveNamespace', () => {
  const base = { projectPath: '/home/me/code/app' };

  it('prefers config, then env, then git, then path', () => {
    const all = {
      ...base,
      configNamespace: 'from-config',
      envNamespace: 'from-env',
      gitRemoteUrl: 'git@github.com:org/repo.git',
    };
    expect(resolveNamespace(all)).toEqual({ namespace: 'from-config', source: 'config' });
    expect(resolveNamespace({ ...all, configNamespace: undefined })).toEqual({ namespace: 'from-env', source: 'env' });
    expect(resolveNamespace({ ...all, configNamespace: undefined, envNamespace: '' })).toEqual({
      namespace: 'github-com-org-repo',
      source: 'git',
    });
    expect(resolveNamespace(base).source).toBe('path');
  });

  it('gives one namespace for every spelling of the same remote, without credentials', () => {
    const names = [
      'git@github.com:Org/Repo.git',
      'https://github.com/org/repo',
      'ssh://git@github.com/org/repo.git',
      'https://user:token@github.com/org/repo.git',
    ].map((gitRemoteUrl) => resolveNamespace({ ...base, gitRemoteUrl }).namespace);
    expect(new Set(names)).toEqual(new Set(['github-com-org-repo']));
    expect(
      resolveNamespace({ ...base, gitRemoteUrl: 'https://x-token:ghp_SECRET@github.com/org/repo' }).namespace,
    ).not.toMatch(/secret|token/);
  });

  it('derives a readable, hashed namespace from the project path', () => {
    const { namespace } = resolveNamespace(base);
    expect(namespace).toMatch(/^app-[0-9a-f]{6}$/);
    expect(resolveNamespace(base).namespace).toBe(namespace);
    expect(resolveNamespace({ projectPath: '/other/app' }).namespace).not.toBe(namespace);
  });

  it('shortens long remotes with a hash so they stay distinct', () => {
    const long = (suffix: string) => `https://gitlab.example.com/${'group/'.repeat(12)}project-${suffix}.git`;
    const a = resolveNamespace({ ...base, gitRemoteUrl: long('a') }).namespace;
    const b = resolveNamespace({ ...base, gitRemoteUrl: long('b') }).namespace;
    expect(a).toMatch(NAME);
    expect(a).toMatch(/-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
  });

  it('rejects an invalid explicit namespace', () => {
    expect(() => resolveNamespace({ ...base, envNamespace: 'Bad Name' })).toThrow(/WARP_NAMESPACE/);
  });
});

describe('slugifyNamespace', () => {
  it('always yields a valid name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (text, withHash) => {
        expect(slugifyNamespace(text, { withHash })).toMatch(NAME);
        expect(resolveNamespace({ projectPath: '/x', gitRemoteUrl: text }).namespace).toMatch(NAME);
        expect(resolveNamespace({ projectPath: text || '/' }).namespace).toMatch(NAME);
      }),
      { numRuns: 500 },
    );
  });

  it('folds accents and punctuation', () => {
    expect(slugifyNamespace('Café -- Crème!')).toBe('cafe-creme');
    expect(slugifyNamespace('!!!')).toMatch(/^project-[0-9a-f]{6}$/);
  });
});

describe('readGitRemoteUrl', () => {
  it('reads remote.origin.url of a repository, from a subfolder too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warp-git-'));
    try {
      // A minimal repository written by hand, so the test needs no git write commands.
      mkdirSync(join(dir, '.git', 'objects'), { recursive: true });
      mkdirSync(join(dir, '.git', 'refs'), { recursive: true });
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
      writeFileSync(
        join(dir, '.git', 'config'),
        '[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = git@github.com:Org/Repo.git\n',
      );
      expect(readGitRemoteUrl(join(dir, 'src'))).toBe('git@github.com:Org/Repo.git');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns undefined outside a repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warp-nogit-'));
    try {
      expect(readGitRemoteUrl(dir)).toBeUndefined();
      expect(readGitRemoteUrl(join(dir, 'missing'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
