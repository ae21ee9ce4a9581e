import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainerPort } from 'kubernetes-models/v1/ContainerPort';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsStream } from '../../src/adapters/nats/nats-names.js';
import {
  findObject,
  KUBERNETES_DIR,
  loadKustomization,
  parseObjects,
  podTemplate,
  schemaProblems,
  type KubeObject,
} from '../support/kubernetes-manifests.js';
import {
  execProbe,
  httpProbe,
  imageLayout,
  PodProcess,
  PodSandbox,
  remap,
  untilProbe,
  type ClusterData,
} from '../support/kubernetes-pods.js';
import { freePorts, natsServerBinary } from '../support/nats-server.js';
import { BIN, type StdioAgent } from '../support/stdio-agent.js';
import { agentPool, askAgainUnanswered, drainInbox, faultTraffic, readChannel } from './fault-support.js';

const run = promisify(execFile);
const REPO = process.cwd();
/** The project and handle of the worker example's credential (Secret warp-agent-webshop-builder). */
const PROJECT = 'webshop';
const AGENTS = ['alice', 'bob', 'carol', 'builder'] as const;
const WORKER_EXAMPLE = join(KUBERNETES_DIR, 'examples', 'worker-deployment.yaml');
const READY_MS = 90_000;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface NatsPod {
  readonly sandbox: PodSandbox;
  readonly process: PodProcess;
  /** Container port name → the port it listens on here. */
  readonly ports: Record<string, number>;
}

/** A pod of a Deployment running Warp's image. */
interface WarpPod {
  readonly sandbox: PodSandbox;
  readonly process: PodProcess;
  readonly env: Record<string, string>;
}

/**
 * The manifests of deploy/kubernetes as processes on this machine: three nats-servers run the
 * ConfigMap's configuration with the StatefulSet's command and environment, two hubs the
 * Deployment's arguments and environment on the image's entrypoint, with the Secrets that
 * make-secrets.sh prints after `warp auth init`. Only hosts, ports and paths are changed: each
 * pod's volumes are directories, its ports free ports of 127.0.0.1, the pods' DNS names those ports.
 */
describe('deploy/kubernetes brought to life: NATS from its ConfigMap, hubs from its Deployment', () => {
  const { objects } = loadKustomization();
  const statefulSet = findObject<IStatefulSet>(objects, 'StatefulSet', 'nats');
  const deployment = findObject<IDeployment>(objects, 'Deployment', 'warp-hub');
  const natsTemplate = statefulSet.spec!.template;
  const natsContainer = natsTemplate.spec!.containers.find((c) => c.name === 'nats')!;
  const hubTemplate = deployment.spec!.template;
  const hubContainer = hubTemplate.spec!.containers.find((c) => c.name === 'hub')!;
  const workerDeployment = findObject<IDeployment>(
    parseObjects(readFileSync(WORKER_EXAMPLE, 'utf8'), WORKER_EXAMPLE),
    'Deployment',
    'warp-worker-builder',
  );
  const workerArgs = workerDeployment.spec!.template.spec!.containers[0]!.args!;
  const workerCapability = workerArgs[workerArgs.indexOf('--capability') + 1]!;
  /** `nats://nats-N.nats-headless:PORT`: a pod of the StatefulSet by its DNS name. */
  const podUrl = new RegExp(
    `nats://${escape(statefulSet.metadata!.name!)}-(\\d+)\\.${escape(statefulSet.spec!.serviceName!)}:(\\d+)\\b`,
    'g',
  );

  let dir: string;
  let secrets: KubeObject[] = [];
  const natsPods: NatsPod[] = [];
  const hubs: WarpPod[] = [];
  const pool = agentPool();
  const creds = new Map<string, string>();
  let data: ClusterData;

  /** The port pod `index` listens on here for the container port numbered `port`. */
  const localPort = (index: number, port: number): number => {
    const name = natsContainer.ports!.find((p) => p.containerPort === port)?.name;
    const local = name ? natsPods[index]?.ports[name] : undefined;
    if (local === undefined) throw new Error(`no pod ${index} or no container port ${port}`);
    return local;
  };
  const clientUrls = (): string[] =>
    natsPods.map(
      (_, i) =>
        `nats://127.0.0.1:${localPort(i, natsContainer.ports!.find((p) => p.name === 'client')!.containerPort)}`,
    );
  const httpGet = (pod: NatsPod, probe: IProbe | undefined): Promise<boolean> =>
    httpProbe(pod.ports[String(probe!.httpGet!.port)]!, probe!.httpGet!.path!);
  /** kubelet runs an exec probe in the container: here, the hub's environment with `warp` on PATH. */
  const hubProbe = (hub: WarpPod, probe: IProbe | undefined, env: Record<string, string> = {}): Promise<number> =>
    execProbe(probe!.exec!.command!, { ...hub.env, PATH: `${join(dir, 'bin')}:${hub.env['PATH']}`, ...env }, REPO);

  async function startNats(): Promise<void> {
    const replicas = statefulSet.spec!.replicas!;
    const ports = natsContainer.ports!;
    const free = await freePorts(replicas * ports.length);
    const portsOf = (i: number): Record<string, number> =>
      Object.fromEntries(ports.map((p: IContainerPort, j) => [p.name!, free[i * ports.length + j]!]));
    const claims = statefulSet.spec!.volumeClaimTemplates!.map((c) => c.metadata!.name!);
    const [command = '', ...args] = natsContainer.command!;
    expect(command).toBe('nats-server');
    const configFile = args[args.indexOf('--config') + 1]!;
    const layouts = Array.from({ length: replicas }, (_, i) => ({
      ports: portsOf(i),
      sandbox: PodSandbox.lay({
        name: `${statefulSet.metadata!.name}-${i}`,
        root: join(dir, `nats-${i}`),
        template: natsTemplate,
        container: natsContainer.name,
        data,
        claims,
      }),
    }));
    for (const { sandbox, ports: own } of layouts) {
      // The ConfigMap's file as this pod reads it: its listeners on this machine's ports, the
      // other pods by theirs, its paths in its directory.
      const file = sandbox.path(configFile);
      const config = remap(readFileSync(file, 'utf8'), [
        ...ports.map(
          (p) => [new RegExp(`0\\.0\\.0\\.0:${p.containerPort}\\b`, 'g'), () => `127.0.0.1:${own[p.name!]}`] as const,
        ),
        [podUrl, (_url, index, port) => `nats://127.0.0.1:${layouts[Number(index)]!.ports[portName(ports, port)]}`],
      ]);
      writeFileSync(file, sandbox.paths(config));
    }
    for (const { sandbox, ports: own } of layouts)
      natsPods.push({
        sandbox,
        ports: own,
        process: PodProcess.start(
          sandbox.name,
          natsServerBinary(),
          args.map((a) => sandbox.paths(a)),
          { PATH: process.env['PATH'] ?? '', ...sandbox.env() },
        ),
      });
    // As kubelet does: the startup probe until it passes (all at once: a quorum is needed first).
    await Promise.all(
      natsPods.map((pod) =>
        untilProbe(
          () => httpGet(pod, natsContainer.startupProbe),
          `${pod.sandbox.name} startup probe`,
          READY_MS,
          () => pod.process.output(),
        ),
      ),
    );
  }

  /**
   * A pod of a Deployment that runs Warp's image: the container's command (else the image's
   * entrypoint) and arguments, its environment and working directory. The pods' DNS names in
   * NATS_URL become this machine's ports; the image's WORKDIR is this repository's build.
   */
  function startWarpPod(name: string, template: IPodTemplateSpec, container: string): WarpPod {
    // In a pod, the host name is the pod's name, which the hub's probes look for: here, this host's.
    const sandbox = PodSandbox.lay({ name: hostname(), root: join(dir, name), template, container, data });
    const env = Object.fromEntries(
      Object.entries(sandbox.env()).map(([key, value]) => [
        key,
        sandbox.paths(
          key === 'NATS_URL'
            ? remap(value, [[podUrl, (_url, pod, port) => `nats://127.0.0.1:${localPort(Number(pod), Number(port))}`]])
            : value,
        ),
      ]),
    );
    const image = imageLayout(join(REPO, 'Dockerfile'));
    const fromImage = (arg: string): string =>
      arg === image.workdir || arg.startsWith(`${image.workdir}/`) ? join(REPO, arg.slice(image.workdir.length)) : arg;
    const spec = sandbox.container;
    const [command = '', ...args] = [...(spec.command ?? image.entrypoint), ...(spec.args ?? [])];
    expect(command).toBe('node');
    const podEnv = {
      PATH: process.env['PATH'] ?? '',
      // The container's /tmp (an emptyDir) and a home it cannot write (its root filesystem is read-only).
      TMPDIR: sandbox.path('/tmp'),
      HOME: join(sandbox.root, 'home', 'node'),
      ...env,
    };
    const cwd = spec.workingDir ? sandbox.path(spec.workingDir) : fromImage(image.workdir);
    return {
      sandbox,
      env: podEnv,
      process: PodProcess.start(name, process.execPath, args.map(fromImage), podEnv, cwd),
    };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warp-kube-'));
    mkdirSync(join(dir, 'bin'));
    // The image has bin/warp on its PATH (test/e2e/container-image.e2e.spec.ts); here, the build's bin.
    writeFileSync(join(dir, 'bin', 'warp'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    const auth = join(dir, 'warp-auth');
    await run(process.execPath, [BIN, 'auth', 'init', '--dir', auth]);
    for (const handle of AGENTS)
      await run(process.execPath, [BIN, 'auth', 'add-agent', '--dir', auth, '--project', PROJECT, '--name', handle]);
    const script = join(KUBERNETES_DIR, 'make-secrets.sh');
    const printed = [
      (await run('bash', [script, auth])).stdout,
      ...(await Promise.all(AGENTS.map(async (h) => (await run('bash', [script, auth, PROJECT, h])).stdout))),
    ];
    secrets = printed.flatMap((text, i) => parseObjects(text, `make-secrets.sh output ${i + 1}`));
    data = {
      configMaps: new Map(
        objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, (o as IConfigMap).data ?? {}]),
      ),
      secrets: new Map(
        secrets.map((s) => [
          s.metadata.name,
          Object.fromEntries(Object.entries((s as ISecret).data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        ]),
      ),
    };
    for (const handle of AGENTS) {
      const file = join(dir, `${handle}.creds`);
      writeFileSync(file, data.secrets.get(`warp-agent-${PROJECT}-${handle}`)!['agent.creds']!, { mode: 0o600 });
      creds.set(handle, file);
    }
    await startNats();
    for (let i = 0; i < deployment.spec!.replicas!; i++) {
      const hub = startWarpPod(`warp-hub-${i}`, hubTemplate, hubContainer.name);
      hubs.push(hub);
      await hub.process.logged(/hub serving/);
    }
  }, 240_000);

  afterAll(async () => {
    await pool.closeAll();
    await Promise.all([...hubs, ...natsPods].map((p) => p.process.kill()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('make-secrets.sh prints valid Secrets, the ones the pods mount', async () => {
    for (const secret of secrets) expect(await schemaProblems(secret)).toEqual([]);
    const mounted = objects.flatMap((o) =>
      (podTemplate(o)?.spec?.volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : [])),
    );
    expect(secrets.map((s) => s.metadata.name)).toEqual(expect.arrayContaining(mounted));
    expect(secrets.every((s) => s.metadata.namespace === 'warp')).toBe(true);
    // The hub's listening credential sits beside hub.creds, where the hub looks for it (ADR 0030).
    expect(Object.keys((findObject<ISecret>(secrets, 'Secret', 'warp-hub').data ?? {}) as object).sort()).toEqual([
      'hub-listen.creds',
      'hub.creds',
    ]);
  });

  it("the servers form one JetStream cluster, and each passes the StatefulSet's probes", async () => {
    for (const pod of natsPods) {
      for (const probe of [natsContainer.readinessProbe, natsContainer.livenessProbe])
        await untilProbe(
          () => httpGet(pod, probe),
          `${pod.sandbox.name} ${probe?.httpGet?.path}`,
          READY_MS,
          () => pod.process.output(),
        );
      const jsz = (await (await fetch(`http://127.0.0.1:${pod.ports['monitor']}/jsz`)).json()) as {
        meta_cluster?: { name?: string; leader?: string; cluster_size?: number };
      };
      expect(jsz.meta_cluster).toMatchObject({ name: 'warp', cluster_size: 3 });
      expect(natsPods.map((p) => p.sandbox.name)).toContain(jsz.meta_cluster?.leader);
    }
  });

  // Each probe is a `warp doctor` process: seven of them take a while when the suite runs four files at once.
  it(
    "each hub passes the Deployment's probes, which look for a hub of the pod's own host",
    { timeout: 120_000 },
    async () => {
      const probes = [hubContainer.startupProbe, hubContainer.readinessProbe, hubContainer.livenessProbe];
      const codes = await Promise.all(hubs.flatMap((hub) => probes.map((probe) => hubProbe(hub, probe))));
      expect(codes).toEqual(codes.map(() => 0));
      expect(await hubProbe(hubs[0]!, hubContainer.readinessProbe, { POD_NAME: 'warp-hub-elsewhere' })).not.toBe(0);
    },
  );

  it(
    'agents and the worker example complete work through the hubs; a server and a hub killed mid-traffic lose nothing',
    { timeout: 300_000 },
    async () => {
      const start = (handle: (typeof AGENTS)[number], url = clientUrls().join(',')): Promise<StdioAgent> =>
        pool.start({ NATS_URL: url, NATS_CREDS: creds.get(handle)!, WARP_RUNTIME_DIR: join(dir, 'runtime') });
      const alice = await start('alice');
      const bob = await start('bob');
      await askAgainUnanswered(() => alice.call('register_agent', { agentType: 'lead' }));
      const { agent: reviewer } = await askAgainUnanswered(() =>
        bob.call<{ agent: { guid: string } }>('register_agent', { agentType: 'reviewer', capabilities: ['ops'] }),
      );
      await askAgainUnanswered(() => alice.call('create_channel', { name: 'ops', description: 'kubernetes traffic' }));

      // The worker Deployment of examples/, with the credential make-secrets.sh made for it.
      const worker = startWarpPod('warp-worker-builder', workerDeployment.spec!.template, 'worker');
      await worker.process.logged(/registered builder \(worker, capability build\); waiting for work/);
      const builds = new Map<string, string>();
      const build = async (taskId: string): Promise<void> => {
        const { workItem } = await alice.call('broadcast_work_offer', {
          taskId,
          description: `build ${taskId}`,
          requiredCapability: workerCapability,
        });
        builds.set(workItem.workItemId, taskId);
        await worker.process.logged(new RegExp(`completed ${workItem.workItemId}`));
      };
      for (const taskId of ['b1', 'b2', 'b3']) await build(taskId);

      const faulting = faultTraffic(alice, bob, {
        guid: reviewer.guid,
        channel: 'ops',
        capability: 'ops',
      });
      const { sent, dms, offered, completed } = faulting.seen;

      let round = 0;
      for (; round < 5; round++) await faulting.round(round);
      expect(completed.size).toBeGreaterThan(0);

      // The streams the hubs made keep three copies, as the Deployment's WARP_REPLICAS says.
      const work = eventsStream(PROJECT, 'work');
      const res = await fetch(
        `http://127.0.0.1:${natsPods[0]!.ports['monitor']}/jsz?accounts=true&streams=true&config=true`,
      );
      const jsz = (await res.json()) as {
        account_details?: Array<{
          stream_detail?: Array<{ name: string; config?: { num_replicas?: number }; cluster?: { leader?: string } }>;
        }>;
      };
      const workStream = (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? []).find((s) => s.name === work);
      expect(workStream?.config?.num_replicas).toBe(3);

      // Kill the server leading the work stream and a hub, while the traffic goes on.
      const victim = natsPods.find((p) => p.sandbox.name === workStream?.cluster?.leader);
      expect(victim, `leader of ${work}: ${workStream?.cluster?.leader}`).toBeDefined();
      round = await faulting.during(() => Promise.all([victim!.process.kill(), hubs[0]!.process.kill()]), round);
      // The same agents and worker, on the surviving servers and hub: every call succeeds.
      for (const stop = round + 3; round < stop; round++) await faulting.sure(round);
      for (const taskId of ['b4', 'b5', 'b6']) await build(taskId);

      // Bob finishes every acknowledged offer: an item whose claim or completion went unanswered
      // during the kill is still his (claimed), and completing it again is idempotent.
      for (let pass = 0; ; pass++) {
        // One listing, not a get_work_item an item (each reads the replicated stream: ~0.4 s here).
        const { items } = await bob.call('list_work', { capability: 'ops', limit: 500 });
        const seen = new Map<string, string>(
          items.map((i: { workItemId: string; status: string }) => [i.workItemId, i.status]),
        );
        const left = [...offered]
          .map((workItemId) => ({ workItemId, status: seen.get(workItemId) ?? 'not listed' }))
          .filter((i) => i.status !== 'completed');
        if (left.length === 0) break;
        expect(pass, `still unfinished: ${JSON.stringify(left)}`).toBeLessThan(20);
        for (const item of left.filter((i) => i.status === 'claimed'))
          completed.add((await bob.call('complete_work', { workItemId: item.workItemId })).workItem.workItemId);
        // Every offered one he can claim now, not one a pass: a pass reads every item again.
        for (;;) {
          const claim = await bob.call('claim_work', { capability: 'ops', timeout: 2_000 });
          if (!claim.claimed) break;
          completed.add(
            (await bob.call('complete_work', { workItemId: claim.workItem.workItemId })).workItem.workItemId,
          );
        }
      }

      // A newcomer from outside, over WebSocket to a surviving server, sees everything acknowledged, once.
      const survivor = natsPods.find((p) => p !== victim)!;
      const carol = await start('carol', `ws://127.0.0.1:${survivor.ports['websocket']}`);
      await carol.call('register_agent', { agentType: 'observer' });
      const bodies = (await readChannel(carol, 'ops')).map((m) => m.body);
      expect(bodies).toEqual(expect.arrayContaining(sent));
      expect(new Set(bodies).size).toBe(bodies.length);
      expect(await drainInbox(bob)).toEqual(expect.arrayContaining(dms));
      const listed = await carol.call('list_work', { capability: 'ops', limit: 500 });
      expect(listed.depth['ops']).toMatchObject({ offered: 0, claimed: 0 });
      const status = new Map<string, string>(
        listed.items.map((i: { workItemId: string; status: string }) => [i.workItemId, i.status]),
      );
      for (const id of offered) expect(status.get(id), `work item ${id}`).toBe('completed');
      const { workItem: last, events } = await carol.call('get_work_item', { workItemId: [...completed].at(-1)! });
      expect(last.status).toBe('completed');
      // Once; none when the hub's upkeep (every minute) has compacted the finished item into its snapshot.
      expect(events.filter((e: { type: string }) => e.type === 'WorkCompleted').length).toBeLessThanOrEqual(1);
      // Each build completed once, with the example command's output as its result.
      for (const [id, taskId] of builds) {
        const { workItem } = await carol.call('get_work_item', { workItemId: id });
        expect(workItem).toMatchObject({ status: 'completed', result: `built ${taskId} (attempt 1)` });
      }

      // The surviving hub still passes its probe, and is the one hub that answers.
      expect(await hubProbe(hubs[1]!, hubContainer.readinessProbe)).toBe(0);
      const doctor = await run(process.execPath, [BIN, 'doctor', '--json'], { env: hubs[1]!.env, cwd: REPO });
      const hubCheck = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; detail: string }> }).checks.find(
        (c) => c.name === 'hub',
      );
      expect(hubCheck?.detail.split('; ').filter((d) => d.startsWith('hub '))).toHaveLength(1);

      // Stopped as kubelet stops it, the worker takes no more items and exits 0. (It also
      // deregisters, within the 3 s a stopping session has: on a loaded machine that can run out,
      // and the agent goes offline when its heartbeat stops instead.)
      expect(await worker.process.terminate()).toBe(0);
      expect(worker.process.output()).toMatch(/stopping: no new claims/);
    },
  );
});

/** The name of the container port numbered `port`. */
function portName(ports: readonly IContainerPort[], port: string): string {
  const name = ports.find((p) => p.containerPort === Number(port))?.name;
  if (!name) throw new Error(`no container port ${port}`);
  return name;
}
