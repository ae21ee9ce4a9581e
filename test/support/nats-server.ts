import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A real nats-server child process owned by a test. */
export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly monitorPort: number;
  readonly storeDir: string;
  /** Pid of the current process; changes on restart, undefined while stopped. */
  readonly pid: number | undefined;
  /** The server's recent stdout/stderr, for diagnostics. */
  output(): string;
  /** SIGTERM and wait for exit; the store dir is kept. */
  stop(): Promise<void>;
  /** SIGKILL (a crash) and wait for exit; the store dir is kept. */
  kill(): Promise<void>;
  /** Stop, then start again on the same ports and store dir; resolves when ready. */
  restart(): Promise<void>;
  /** Stop if running and remove the temp dir. */
  dispose(): Promise<void>;
}

export interface NatsClusterHandle {
  readonly urls: string[];
  readonly nodes: NatsServerHandle[];
  readonly configFiles: string[];
  dispose(): Promise<void>;
}

const SINGLE_READY_MS = 15_000;
const CLUSTER_READY_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const OUTPUT_LIMIT = 32_000;
const NOT_FOUND = 'nats-server not found: install it (apt-get install -y nats-server) — NATS tests cannot run';

// Children must not outlive the test process, even when a test forgets dispose().
// Vitest ends fork workers with SIGTERM, which skips 'exit' hooks: handle the signals too.
const live = new Set<ChildProcess>();
/** Kills `child` with the test process if nobody stopped it before; it leaves the set when it exits. */
export function killWithTests(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}
const killAll = (): void => {
  for (const child of live) child.kill('SIGKILL');
};
process.once('exit', killAll);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  const onSignal = (): void => {
    killAll();
    process.off(signal, onSignal);
    // Re-raise so the default action (termination) still happens when nobody else handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on(signal, onSignal);
}

/** Locates the nats-server binary; throws (never skips) when it is missing. */
export function natsServerBinary(dirs: readonly string[] = defaultSearchDirs()): string {
  const found = dirs.map((d) => join(d, 'nats-server')).find((p) => existsSync(p));
  if (!found) throw new Error(NOT_FOUND);
  return found;
}

function defaultSearchDirs(): string[] {
  const path = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return [...path, '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];
}

/** Ports that were free a moment ago; all are held at once so they differ. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

interface ProcessSpec {
  binary: string;
  args: string[];
  port: number;
  monitorPort: number;
  dir: string;
  readyMs: number;
}

class NatsProcess implements NatsServerHandle {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log = '';

  constructor(private readonly spec: ProcessSpec) {
    this.url = `nats://127.0.0.1:${spec.port}`;
  }

  get port(): number {
    return this.spec.port;
  }
  get monitorPort(): number {
    return this.spec.monitorPort;
  }
  get storeDir(): string {
    return this.spec.dir;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  output(): string {
    return this.log;
  }

  /** Spawns the process without waiting; use ready() or start(). */
  spawn(): void {
    this.log = '';
    const child = spawn(this.spec.binary, this.spec.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    live.add(child);
    this.child = child;
    this.exited = new Promise((resolve) => {
      const done = (): void => {
        live.delete(child);
        if (this.child === child) this.child = undefined;
        resolve();
      };
      child.once('exit', done);
      child.once('error', (err) => {
        append(Buffer.from(`spawn failed: ${err.message}\n`));
        done();
      });
    });
  }

  /** Polls /healthz (which in a cluster also requires a JetStream meta leader). */
  async ready(deadline = Date.now() + this.spec.readyMs): Promise<void> {
    const healthz = `http://127.0.0.1:${this.spec.monitorPort}/healthz`;
    while (Date.now() < deadline) {
      if (!this.child) throw this.failure('exited before becoming ready');
      if (await httpOk(healthz)) return;
      await sleep(50);
    }
    throw this.failure(`did not become ready within ${this.spec.readyMs}ms`);
  }

  failure(reason: string): Error {
    return new Error(`nats-server on ${this.url} ${reason}\n--- nats-server output ---\n${this.log || '(none)'}`);
  }

  async start(): Promise<void> {
    this.spawn();
    await this.ready();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const graceful = await Promise.race([this.exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
    if (!graceful) await this.kill();
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.spec.dir, { recursive: true, force: true });
  }
}

export interface NatsServerOptions {
  /** JetStream with a temp store dir; on by default. */
  readonly jetstream?: boolean;
  /** Extra configuration (a `tls` or `websocket` block, say); the command line still sets address and ports. */
  readonly config?: string;
  /** Require this user and password. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** A whole configuration file to start with (`warp auth init`'s); the command line still sets address, ports and store. */
  readonly configFile?: string;
}

/** Starts one nats-server on 127.0.0.1 (JetStream on by default) with a temp store dir. */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = natsServerBinary();
  // A free port can be taken by another worker before the server binds it: retry on that race.
  for (let attempt = 1; ; attempt++) {
    const [port, monitorPort] = (await freePorts(2)) as [number, number];
    const dir = mkdtempSync(join(tmpdir(), 'warp-nats-'));
    const args = ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)];
    if (opts.jetstream ?? true) args.push('-js', '-sd', dir);
    if (opts.auth) args.push('--user', opts.auth.user, '--pass', opts.auth.pass);
    if (opts.config !== undefined) {
      writeFileSync(join(dir, 'extra.conf'), opts.config);
      args.push('-c', join(dir, 'extra.conf'));
    }
    if (opts.configFile !== undefined) args.push('-c', opts.configFile);
    const server = new NatsProcess({ binary, args, port, monitorPort, dir, readyMs: SINGLE_READY_MS });
    try {
      await server.start();
      return server;
    } catch (err) {
      await server.dispose();
      if (attempt >= 3 || !/address already in use/i.test(server.output())) throw err;
    }
  }
}

export interface ClusterNodeConfig {
  name: string;
  port: number;
  monitorPort: number;
  clusterPort: number;
  storeDir: string;
  routePorts: number[];
}

const SHIPPED_NODE_CONFIG = new URL('../../architecture/nats-cluster/node.conf.example', import.meta.url);

/**
 * The config of one loopback cluster node: the shipped architecture/nats-cluster/node.conf.example
 * with its names, addresses and store directory replaced, so the tests run the config users get.
 */
export function renderClusterNodeConfig(c: ClusterNodeConfig): string {
  let config = readFileSync(SHIPPED_NODE_CONFIG, 'utf8');
  const replace = (pattern: RegExp, value: string): void => {
    if (!pattern.test(config))
      throw new Error(`node.conf.example no longer has ${pattern}; update the test harness with it`);
    config = config.replace(pattern, value);
  };
  replace(/^server_name: .*$/m, `server_name: ${c.name}`);
  replace(/^listen: .*$/m, `listen: 127.0.0.1:${c.port}`);
  replace(/^http: .*$/m, `http: 127.0.0.1:${c.monitorPort}`);
  replace(/^(\s*)store_dir: .*$/m, `$1store_dir: ${JSON.stringify(c.storeDir)}`);
  replace(/^(\s*)listen: 0\.0\.0\.0:6222$/m, `$1listen: 127.0.0.1:${c.clusterPort}`);
  replace(
    /routes: \[[^\]]*\]/,
    `routes: [\n${c.routePorts.map((p) => `    nats-route://127.0.0.1:${p}`).join('\n')}\n  ]`,
  );
  return config;
}

async function metaLeader(monitorPort: number): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${monitorPort}/jsz`, { signal: AbortSignal.timeout(1_000) });
    const body = (await res.json()) as { meta_cluster?: { leader?: string } };
    return body.meta_cluster?.leader || undefined;
  } catch {
    return undefined;
  }
}

/** Starts a JetStream cluster of `size` nodes (n1..nN) on loopback; resolves once a meta leader is known. */
export async function startNatsCluster(size = 3): Promise<NatsClusterHandle> {
  const binary = natsServerBinary();
  const ports = await freePorts(size * 3);
  const clusterPorts = ports.slice(2 * size);
  const configFiles: string[] = [];
  const nodes = Array.from({ length: size }, (_, i) => {
    const dir = mkdtempSync(join(tmpdir(), 'warp-nats-'));
    const config = {
      name: `n${i + 1}`,
      port: ports[i]!,
      monitorPort: ports[size + i]!,
      clusterPort: clusterPorts[i]!,
      storeDir: dir,
      routePorts: clusterPorts,
    };
    const file = join(dir, 'node.conf');
    writeFileSync(file, renderClusterNodeConfig(config));
    configFiles.push(file);
    return new NatsProcess({
      binary,
      args: ['-c', file],
      port: config.port,
      monitorPort: config.monitorPort,
      dir,
      readyMs: CLUSTER_READY_MS,
    });
  });
  const dispose = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.dispose()));
  };
  try {
    // All at once: no node is healthy before a quorum exists.
    nodes.forEach((n) => n.spawn());
    const deadline = Date.now() + CLUSTER_READY_MS;
    await Promise.all(nodes.map((n) => n.ready(deadline)));
    while (!(await Promise.all(nodes.map((n) => metaLeader(n.monitorPort)))).every(Boolean)) {
      if (Date.now() > deadline) throw nodes[0]!.failure('cluster has no JetStream meta leader');
      await sleep(100);
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return { urls: nodes.map((n) => n.url), nodes, configFiles, dispose };
}
