import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import {
  containersOf,
  findObject,
  KUBERNETES_DIR,
  loadKustomization,
  parseObjects,
  podTemplate,
  schemaProblems,
  type KubeObject,
} from '../../support/kubernetes-manifests.js';

const { kustomization, objects } = loadKustomization();
/** Applied by hand (kubectl apply -n warp -f): the worker Deployment. */
const examplesDir = join(KUBERNETES_DIR, 'examples');
const examples = readdirSync(examplesDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap((f) => parseObjects(readFileSync(join(examplesDir, f), 'utf8'), `examples/${f}`));
const workloads = [...objects, ...examples].flatMap((o) => {
  const template = podTemplate(o);
  return template ? [{ object: o, template }] : [];
});
const nats = findObject<IStatefulSet>(objects, 'StatefulSet', 'nats');
const hub = findObject<IDeployment>(objects, 'Deployment', 'warp-hub');
const natsConf = findObject<IConfigMap>(objects, 'ConfigMap', 'nats-config').data?.['nats.conf'] ?? '';

const selects = (selector: Record<string, string> | undefined, template: IPodTemplateSpec): boolean =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => template.metadata?.labels?.[k] === v);

const portNames = (template: IPodTemplateSpec): string[] =>
  containersOf(template).flatMap((c) => (c.ports ?? []).map((p) => p.name ?? ''));

const only = <T>(items: readonly T[] | undefined, what: string): T => {
  if (items?.length !== 1) throw new Error(`expected one ${what}, found ${items?.length ?? 0}`);
  return items[0]!;
};

describe('deploy/kubernetes: what kubectl apply -k applies', () => {
  it('lists every manifest of the directory, in namespace warp', () => {
    const files = readdirSync(KUBERNETES_DIR).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.namespace).toBe('warp');
    expect(findObject<KubeObject>(objects, 'Namespace', 'warp').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  it.each([...objects, ...examples].map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))(
    '%s validates against the Kubernetes schema, with no field the schema lacks',
    async (_name, object) => {
      expect(await schemaProblems(object)).toEqual([]);
    },
  );

  it('the schema check refuses a misspelled field, a wrong type, a missing field and an unknown kind', async () => {
    const broken = structuredClone(hub) as any;
    broken.spec.replica = 2;
    broken.spec.template.spec.containers[0].resources.limits.cpu = 'lots';
    broken.spec.template.spec.containers[0].securityContext.runAsNonroot = true;
    delete broken.spec.selector;
    const problems = (await schemaProblems(broken)).join('\n');
    expect(problems).toMatch(/unknown field \/spec\/replica\b/);
    expect(problems).toMatch(/unknown field \/spec\/template\/spec\/containers\/0\/securityContext\/runAsNonroot/);
    expect(problems).toMatch(/limits\/cpu must match format "quantity"/);
    expect(problems).toMatch(/data\/spec must have required property selector/);
    expect(await schemaProblems({ ...hub, apiVersion: 'apps/v2' } as KubeObject)).toEqual([
      'Deployment/warp-hub: no schema for apiVersion apps/v2, kind Deployment',
    ]);
  });
});

describe('deploy/kubernetes: least privilege and limits for every container', () => {
  const containers = workloads.flatMap(({ object, template }) =>
    containersOf(template).map((c) => [`${object.kind}/${object.metadata.name} ${c.name}`, c, template] as const),
  );

  it('there are containers to check: NATS, the hub and the worker example', () =>
    expect(containers.length).toBeGreaterThanOrEqual(3));

  it.each(containers)(
    '%s: requests and limits, and the restricted pod security profile',
    (_name, c: IContainer, template: IPodTemplateSpec) => {
      for (const kind of ['requests', 'limits'] as const)
        expect(Object.keys(c.resources?.[kind] ?? {}).sort(), kind).toEqual(['cpu', 'memory']);
      const pod = template.spec?.securityContext;
      expect(c.securityContext?.runAsNonRoot ?? pod?.runAsNonRoot).toBe(true);
      expect((c.securityContext?.runAsUser ?? pod?.runAsUser ?? 0) > 0).toBe(true);
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect((c.securityContext?.seccompProfile ?? pod?.seccompProfile)?.type).toBe('RuntimeDefault');
      expect(template.spec?.automountServiceAccountToken).toBe(false);
    },
  );
});

describe('deploy/kubernetes: NATS', () => {
  const template = nats.spec!.template;
  const container = only(template.spec?.containers, 'NATS container');

  it('runs 3 NATS 2.10+ servers started together, one per node, 1 at a time disrupted', () => {
    expect(nats.spec?.replicas).toBe(3);
    expect(nats.spec?.podManagementPolicy).toBe('Parallel');
    const [major = 0, minor = 0] = (/^nats:(\d+)\.(\d+)/.exec(container.image ?? '') ?? []).slice(1).map(Number);
    expect(major * 100 + minor, container.image).toBeGreaterThanOrEqual(210);
    const antiAffinity = only(
      template.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
      'required anti-affinity term',
    );
    expect(antiAffinity.topologyKey).toBe('kubernetes.io/hostname');
    expect(selects(antiAffinity.labelSelector?.matchLabels, template)).toBe(true);
    const pdb = findObject<IPodDisruptionBudget>(objects, 'PodDisruptionBudget', 'nats');
    expect(selects(pdb.spec?.selector?.matchLabels, template)).toBe(true);
    expect(pdb.spec?.maxUnavailable).toBe(1);
  });

  it('keeps JetStream on a persistent volume and the client, cluster, WebSocket and monitoring ports', () => {
    const claim = only(nats.spec?.volumeClaimTemplates, 'volume claim template');
    const mount = container.volumeMounts?.find((m) => m.name === claim.metadata?.name);
    expect(natsConf).toMatch(new RegExp(`store_dir: ${mount?.mountPath}\\n`));
    expect(portNames(template).sort()).toEqual(['client', 'cluster', 'monitor', 'websocket']);
    const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
    expect(natsConf).toContain(`listen: 0.0.0.0:${ports['client']}`);
    expect(natsConf).toContain(`http: 0.0.0.0:${ports['monitor']}`);
    expect(natsConf).toMatch(new RegExp(`cluster \\{[^}]*listen: 0\\.0\\.0\\.0:${ports['cluster']}`));
    expect(natsConf).toMatch(new RegExp(`websocket \\{[^}]*listen: 0\\.0\\.0\\.0:${ports['websocket']}`));
  });

  it('routes name every pod of the StatefulSet through its headless Service', () => {
    const headless = findObject<IService>(objects, 'Service', nats.spec!.serviceName!);
    expect(headless.spec?.clusterIP).toBe('None');
    expect(headless.spec?.publishNotReadyAddresses).toBe(true);
    const clusterPort = container.ports?.find((p) => p.name === 'cluster')?.containerPort;
    const routes = /routes: \[([^\]]*)\]/.exec(natsConf)?.[1]?.trim().split(/\s+/);
    expect(routes).toEqual(
      Array.from(
        { length: nats.spec!.replicas! },
        (_, i) => `nats://nats-${i}.${nats.spec!.serviceName}:${clusterPort}`,
      ),
    );
  });
});

describe('deploy/kubernetes: the hubs', () => {
  const template = hub.spec!.template;
  const container = only(template.spec?.containers, 'hub container');
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));

  it('runs 2 warp hubs that have 75 s to answer what they took, and probes them', () => {
    expect(hub.spec?.replicas).toBeGreaterThanOrEqual(2);
    expect(container.args).toEqual(['hub']);
    expect(template.spec?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(75);
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe])
      expect(probe?.exec?.command?.join(' ')).toMatch(/warp doctor/);
    const pdb = findObject<IPodDisruptionBudget>(objects, 'PodDisruptionBudget', 'warp-hub');
    expect(selects(pdb.spec?.selector?.matchLabels, template)).toBe(true);
    expect(pdb.spec?.minAvailable).toBe(1);
  });

  it('connects to every NATS pod with 3 replicas and the hub credentials of a Secret', () => {
    const client = nats.spec!.template.spec!.containers[0]!.ports!.find((p) => p.name === 'client')!.containerPort;
    expect(env['NATS_URL']?.split(',')).toEqual(
      Array.from({ length: nats.spec!.replicas! }, (_, i) => `nats://nats-${i}.${nats.spec!.serviceName}:${client}`),
    );
    expect(env['WARP_REPLICAS']).toBe(String(nats.spec!.replicas));
    const mount = container.volumeMounts?.find((m) => env['NATS_CREDS']?.startsWith(`${m.mountPath}/`));
    const volume = template.spec?.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBe('warp-hub');
    expect(mount?.readOnly).toBe(true);
  });
});

describe('deploy/kubernetes: references between the objects', () => {
  it.each(objects.filter((o) => o.kind === 'Service').map((s) => [s.metadata.name, s as IService] as const))(
    'Service %s selects pods that have its target ports',
    (_name, service) => {
      const targets = workloads.filter(({ template }) => selects(service.spec?.selector, template));
      expect(targets).toHaveLength(1);
      for (const port of service.spec?.ports ?? []) expect(portNames(targets[0]!.template)).toContain(port.targetPort);
    },
  );

  it.each(workloads.map(({ object, template }) => [`${object.kind}/${object.metadata.name}`, template] as const))(
    '%s: every probe port, volume mount and ConfigMap exists; Secrets are readable by the pod only',
    (_name, template) => {
      const volumes = new Set([
        ...(template.spec?.volumes ?? []).map((v) => v.name),
        ...(nats.spec?.template === template
          ? (nats.spec.volumeClaimTemplates ?? []).map((c) => c.metadata?.name)
          : []),
      ]);
      for (const c of containersOf(template)) {
        for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe])
          if (probe?.httpGet) expect(portNames(template)).toContain(probe.httpGet.port);
        for (const mount of c.volumeMounts ?? []) expect(volumes).toContain(mount.name);
      }
      for (const v of template.spec?.volumes ?? []) {
        if (v.configMap) expect(findObject<IConfigMap>(objects, 'ConfigMap', v.configMap.name!)).toBeDefined();
        // Credentials: read-only for the owner and the pod's group (fsGroup), the group the container's user is in.
        if (v.secret) expect([v.secret.defaultMode, template.spec?.securityContext?.fsGroup]).toEqual([0o440, 1000]);
      }
    },
  );

  it('make-secrets.sh makes every Secret the pods of kubectl apply -k mount', () => {
    const script = readFileSync(`${KUBERNETES_DIR}make-secrets.sh`, 'utf8');
    const made = [...script.matchAll(/^secret ([a-z0-9-]+)$/gm)].map((m) => m[1]);
    // (The worker example's agent Secret is make-secrets.sh's third form: the fault test runs it.)
    const mounted = workloads
      .filter(({ object }) => objects.includes(object))
      .flatMap(({ template }) =>
        (template.spec?.volumes ?? []).flatMap((v) => (v.secret?.secretName ? [v.secret.secretName] : [])),
      );
    expect(mounted.length).toBeGreaterThan(0);
    for (const name of mounted) expect(made).toContain(name);
  });
});
