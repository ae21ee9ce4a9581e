import { spawn, type SpawnOptions } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * No container daemon runs where Warp is built, so the Dockerfile is run by hand: each stage
 * is a directory standing for the image's root, its COPYs copy what .dockerignore lets into the
 * build context, its RUNs run with the host's node and npm (not the base image's), and the
 * result is started as the image's user, with only the image's environment.
 */
const REPO = process.cwd();

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's instructions: continuation lines joined, comments and blank lines left out. */
function instructions(text: string): Instruction[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  return lines
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [keyword = '', ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** `.dockerignore` as Docker reads it: the last pattern that matches a path or one of its parents wins. */
function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = (negated ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split('/')
        .map((part) =>
          part === '**'
            ? '.*'
            : part
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/');
      return { negated, regex: new RegExp(`^${source}$`) };
    });
  return (path) => {
    const parts = path.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.negated;
    return ignored;
  };
}

interface Stage {
  readonly name: string;
  readonly root: string;
  workdir: string;
  env: Record<string, string>;
  user?: { uid: number; gid: number };
  entrypoint?: string[];
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], options: SpawnOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => void (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => void (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the Dockerfile's stages under `dir`; returns the last one, the image. */
async function buildImage(dir: string): Promise<Stage> {
  const ignored = dockerIgnore(readFileSync(join(REPO, '.dockerignore'), 'utf8'));
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  const here = (path: string): string => join(stage!.root, path.startsWith('/') ? path : join(stage!.workdir, path));
  for (const { keyword, args } of instructions(readFileSync(join(REPO, 'Dockerfile'), 'utf8'))) {
    switch (keyword) {
      case 'FROM': {
        const [, name = `stage${stages.length}`] = /^\S+(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
        stage = { name, root: join(dir, name), workdir: '/', env: {} };
        mkdirSync(stage.root, { recursive: true });
        stages.push(stage);
        break;
      }
      case 'WORKDIR':
        stage!.workdir = args;
        mkdirSync(here(args), { recursive: true });
        break;
      case 'ENV':
        for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g))
          stage!.env[key!] = value!.replace(/\$PATH|\$\{PATH\}/g, process.env['PATH'] ?? '');
        break;
      case 'COPY': {
        const words = args.split(/\s+/);
        const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
        const dest = words.pop()!;
        const source = from ? stages.find((s) => s.name === from) : undefined;
        if (from && !source) throw new Error(`COPY --from=${from}: no such stage`);
        const target = here(dest);
        for (const src of words) {
          if (!source && ignored(src)) throw new Error(`COPY ${src}: .dockerignore leaves it out of the build context`);
          const origin = source
            ? join(source.root, src.startsWith('/') ? src : join(source.workdir, src))
            : join(REPO, src);
          const into = dest.endsWith('/') || statSync(origin).isFile() ? join(target, src.split('/').pop()!) : target;
          mkdirSync(dirname(into), { recursive: true });
          cpSync(origin, into, {
            recursive: true,
            verbatimSymlinks: true,
            filter: (path) => source !== undefined || !ignored(relative(REPO, path)),
          });
        }
        break;
      }
      case 'RUN': {
        if (/(^|[\s=])\//.test(args)) throw new Error(`RUN ${args}: an absolute path cannot be run outside the image`);
        const ran = await run('sh', ['-c', args], {
          cwd: here('.'),
          // The host's npm cache makes npm ci quick; it installs the same locked packages.
          env: { ...process.env, ...stage!.env, npm_config_prefer_offline: 'true' },
        });
        if (ran.code !== 0) throw new Error(`RUN ${args} exited ${ran.code}:\n${ran.stderr}`);
        break;
      }
      case 'USER': {
        const [uid, gid = uid] = args.split(':').map(Number);
        if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`USER ${args}: expected numeric ids`);
        stage!.user = { uid: uid!, gid: gid! };
        break;
      }
      case 'ENTRYPOINT':
        stage!.entrypoint = JSON.parse(args) as string[];
        break;
      default:
        throw new Error(`the test does not run Dockerfile instruction ${keyword}: teach it`);
    }
  }
  if (!stage) throw new Error('the Dockerfile has no FROM');
  return stage;
}

describe('the container image, built from the Dockerfile without a daemon', () => {
  let dir: string;
  let image: Stage;
  /** An absolute path in the image, here. */
  const inImage = (path: string): string => join(image.root, path);
  /** The image's environment, its own paths (PATH entries under /app) placed here. */
  const env = (): Record<string, string> => ({
    ...image.env,
    PATH: (image.env['PATH'] ?? '')
      .split(':')
      .map((p) => (p.startsWith(image.workdir) ? inImage(p) : p))
      .join(':'),
    HOME: inImage('/home/node'),
  });
  /** As the image's user when the test can switch to it (it runs as root in CI). */
  const asUser = (): SpawnOptions =>
    process.getuid?.() === 0 && image.user ? { uid: image.user.uid, gid: image.user.gid } : {};
  const entrypoint = (): [string, string[]] => {
    const [command = '', ...args] = image.entrypoint ?? [];
    return [command, args.map((a) => (a.startsWith('/') ? inImage(a) : a))];
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warp-image-'));
    chmodSync(dir, 0o755);
    image = await buildImage(dir);
    mkdirSync(inImage('/home/node'), { recursive: true });
    if (asUser().uid !== undefined) chownSync(inImage('/home/node'), image.user!.uid, image.user!.gid);
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the server, its production dependencies and nothing of the tests or the build', () => {
    expect(existsSync(inImage('/app/dist/src/adapters/cli/bin.js'))).toBe(true);
    expect(existsSync(inImage('/app/node_modules/@nats-io/transport-node'))).toBe(true);
    expect(existsSync(inImage('/app/web/index.html'))).toBe(true);
    for (const absent of ['/app/node_modules/typescript', '/app/node_modules/vitest', '/app/src', '/app/test'])
      expect(existsSync(inImage(absent)), absent).toBe(false);
    expect(image.user?.uid).toBeGreaterThan(0);
    expect(image.entrypoint).toEqual(['node', '/app/dist/src/adapters/cli/bin.js']);
  });

  it('answers --help and hub --help through its entrypoint, and warp --version on its PATH', async () => {
    const [command, args] = entrypoint();
    const help = await run(command, [...args, '--help'], { env: env(), cwd: inImage('/app'), ...asUser() });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: warp/);
    const hub = await run(command, [...args, 'hub', '--help'], { env: env(), cwd: inImage('/app'), ...asUser() });
    expect(hub.code, hub.stderr).toBe(0);
    expect(hub.stdout).toMatch(/warp hub/);
    const version = await run('warp', ['--version'], { env: env(), cwd: inImage('/app'), ...asUser() });
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
  });

  it('runs the memory-backend demo', async () => {
    const demo = await run('node', [inImage('/app/dist/src/demo/demo.js')], {
      env: env(),
      cwd: inImage('/app'),
      ...asUser(),
    });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/Demo finished: every piece of work ended completed; nothing was lost\./);
  });

  it('is an MCP server on stdio (docker run -i), here on the memory backend', async () => {
    const [command, args] = entrypoint();
    const client = new Client({ name: 'image-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command,
        args,
        env: { ...env(), WARP_BACKEND: 'memory', WARP_RUNTIME_DIR: join(dir, 'runtime') },
        cwd: inImage('/app'),
        stderr: 'ignore',
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('claim_work');
      const me = await client.callTool({ name: 'get_my_handle', arguments: {} });
      expect(me.isError).toBeFalsy();
      expect(me.structuredContent).toMatchObject({ backend: 'memory' });
    } finally {
      await client.close();
    }
  });
});
