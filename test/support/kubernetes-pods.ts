import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { killWithTests } from './nats-server.js';

/** What the cluster would hold for the pods' volumes: ConfigMap and Secret data by name. */
export interface ClusterData {
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly secrets: ReadonlyMap<string, Readonly<Record<string, Buffer>>>;
}

/**
 * One pod of a manifest on this machine: a directory stands for its filesystem, and each of the
 * container's volume mounts is a directory in it holding what the volume would (ConfigMap and
 * Secret files, an empty directory for emptyDir and volume claims). Paths the container names
 * are remapped under the directory; nothing else of the container is changed.
 */
export class PodSandbox {
  private constructor(
    readonly name: string,
    readonly root: string,
    readonly container: IContainer,
    private readonly mountPaths: readonly string[],
  ) {}

  static lay(options: {
    readonly name: string;
    readonly root: string;
    readonly template: IPodTemplateSpec;
    readonly container: string;
    readonly data: ClusterData;
    /** Volume claim templates of a StatefulSet: each an empty volume here. */
    readonly claims?: readonly string[];
  }): PodSandbox {
    const { template, data } = options;
    const container = template.spec?.containers.find((c) => c.name === options.container);
    if (!container) throw new Error(`no container ${options.container} in the pod template`);
    const mounts = container.volumeMounts ?? [];
    for (const mount of mounts) {
      const dir = join(options.root, mount.mountPath);
      mkdirSync(dir, { recursive: true });
      if (options.claims?.includes(mount.name)) continue;
      const volume = template.spec?.volumes?.find((v) => v.name === mount.name);
      if (!volume) throw new Error(`volume ${mount.name} of ${mount.mountPath} is not in the pod template`);
      if (volume.configMap) {
        const files = data.configMaps.get(volume.configMap.name ?? '');
        if (!files) throw new Error(`no ConfigMap ${volume.configMap.name} for volume ${mount.name}`);
        for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      } else if (volume.secret) {
        const files = data.secrets.get(volume.secret.secretName ?? '');
        if (!files) throw new Error(`no Secret ${volume.secret.secretName} for volume ${mount.name}`);
        for (const [file, bytes] of Object.entries(files)) {
          writeFileSync(join(dir, file), bytes);
          // The file mode the pod gets; its owner here is the test's user.
          chmodSync(join(dir, file), (volume.secret.defaultMode ?? 0o644) | 0o400);
        }
      } else if (!volume.emptyDir)
        throw new Error(`volume ${mount.name}: the test lays out only ConfigMaps, Secrets and emptyDirs`);
    }
    // Longest first, so that a mount inside another is replaced as itself.
    const mountPaths = mounts.map((m) => m.mountPath).sort((a, b) => b.length - a.length);
    return new PodSandbox(options.name, options.root, container, mountPaths);
  }

  /** Where a path of the container's volumes is here; a path on no volume is refused. */
  path(containerPath: string): string {
    if (!this.mountPaths.some((m) => containerPath === m || containerPath.startsWith(`${m}/`)))
      throw new Error(`${containerPath} is on no volume of pod ${this.name}`);
    return join(this.root, containerPath);
  }

  /** `text` with every path on the container's volumes rewritten to where it is here (in one pass). */
  paths(text: string): string {
    const mounts = this.mountPaths.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    const pattern = new RegExp(`(?<![\\w/.])(${mounts})(?=[/"'\\s]|$)`, 'gm');
    return text.replace(pattern, (mount) => join(this.root, mount));
  }

  /** The container's environment: literal values, and the pod's name from the downward API. */
  env(): Record<string, string> {
    return Object.fromEntries(
      (this.container.env ?? []).map((e) => {
        if (e.value !== undefined) return [e.name, e.value];
        if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') return [e.name, this.name];
        throw new Error(`env ${e.name}: the test knows literal values and metadata.name only`);
      }),
    );
  }
}

/**
 * `text` with each rule (a global pattern, and the replacement of a match and its groups) applied;
 * a rule that matches nothing is an error, so a manifest that no longer has what the test remaps
 * fails loudly instead of running unremapped.
 */
export function remap(text: string, rules: ReadonlyArray<readonly [RegExp, (...match: string[]) => string]>): string {
  let out = text;
  for (const [pattern, replace] of rules) {
    if (!pattern.global) throw new Error(`${pattern} must be global`);
    let matched = false;
    out = out.replace(pattern, (...args: unknown[]) => {
      matched = true;
      return replace(...(args.slice(0, -2) as string[]));
    });
    if (!matched) throw new Error(`nothing matches ${pattern} in:\n${text}`);
  }
  return out;
}

/** A process of a pod, its output kept for diagnostics and killed with the tests. */
export class PodProcess {
  private log = '';
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    killWithTests(child);
    const append = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString()).slice(-64_000);
      for (const listener of this.listeners) listener();
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(name: string, command: string, args: readonly string[], env: Record<string, string>, cwd?: string) {
    return new PodProcess(name, spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  output(): string {
    return this.log;
  }

  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the output matches; rejects when the process exits first. */
  logged(pattern: RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(this.log)) return;
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
      void this.exited.then((code) => {
        if (!this.listeners.has(check)) return;
        this.listeners.delete(check);
        reject(new Error(`${this.name} exited (${code}) before logging ${pattern}:\n${this.log}`));
      });
      check();
    });
  }

  /** SIGTERM, as kubelet stops a container, and resolves with its exit code (a signal's exit is null). */
  async terminate(): Promise<number | null> {
    if (this.running()) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGKILL, as a node failure or an OOM kill would, and resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.running()) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** An exec probe as kubelet runs it: the command in the container's environment; resolves with its exit code. */
export function execProbe(command: readonly string[], env: Record<string, string>, cwd?: string): Promise<number> {
  const [file = '', ...args] = command;
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd, timeout: 60_000 }, (error) =>
      resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
    );
  });
}

/** An httpGet probe as kubelet runs it: success is a 2xx or 3xx status. */
export async function httpProbe(port: number, path: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 400;
  } catch {
    return false;
  }
}

/** Runs a probe until it succeeds, as kubelet runs a startup probe; throws with `diagnose()` past the deadline. */
export async function untilProbe(
  probe: () => Promise<boolean>,
  what: string,
  deadlineMs: number,
  diagnose: () => string,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} did not succeed within ${deadlineMs} ms\n${diagnose()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What a container of the image runs, from the Dockerfile: its last ENTRYPOINT (exec form) and WORKDIR. */
export function imageLayout(dockerfile: string): { readonly entrypoint: string[]; readonly workdir: string } {
  const text = readFileSync(dockerfile, 'utf8');
  const entrypoint = [...text.matchAll(/^ENTRYPOINT\s+(\[.*\])\s*$/gm)].at(-1)?.[1];
  const workdir = [...text.matchAll(/^WORKDIR\s+(\S+)\s*$/gm)].at(-1)?.[1];
  if (!entrypoint || !workdir) throw new Error(`${dockerfile} has no WORKDIR or no ENTRYPOINT in exec form`);
  return { entrypoint: JSON.parse(entrypoint) as string[], workdir };
}
