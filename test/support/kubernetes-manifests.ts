import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/** The manifests users apply with `kubectl apply -k deploy/kubernetes`. */
export const KUBERNETES_DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));

/** Any Kubernetes object, before its kind is known. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

/**
 * What this loader understands of a kustomization: any other field fails the parse, so a
 * kustomization that uses more of kustomize is never checked as if it did not.
 */
const kustomizationSchema = z.strictObject({
  apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
  kind: z.literal('Kustomization'),
  namespace: z.string().min(1),
  resources: z.array(z.string()).min(1),
  images: z
    .array(z.strictObject({ name: z.string(), newName: z.string().optional(), newTag: z.string().optional() }))
    .default([]),
});
export type Kustomization = z.infer<typeof kustomizationSchema>;

/** The only kinds of ours that live outside a namespace. */
const CLUSTER_SCOPED = new Set(['Namespace']);

/**
 * Every YAML document of a text (empty ones left out); a syntax error names the file. Read as
 * YAML 1.1, as kubectl reads it: `defaultMode: 0440` is octal there (288), decimal 440 in YAML 1.2.
 */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

const objectShape = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1) }),
});

/** The objects of YAML text, each checked to have apiVersion, kind and a name. */
export function parseObjects(text: string, file: string): KubeObject[] {
  return parseYamlDocuments(text, file).map((doc, i) => {
    const parsed = objectShape.safeParse(doc);
    if (!parsed.success)
      throw new Error(`${file}, document ${i + 1}: not a Kubernetes object: ${parsed.error.message}`);
    return parsed.data as KubeObject;
  });
}

/** The pod template of a workload, if it has one. */
export function podTemplate(object: KubeObject): IPodTemplateSpec | undefined {
  const spec = object['spec'] as { template?: IPodTemplateSpec } | undefined;
  return ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind) ? spec?.template : undefined;
}

/** Every container of a pod template, init containers included. */
export const containersOf = (template: IPodTemplateSpec): IContainer[] => [
  ...(template.spec?.initContainers ?? []),
  ...(template.spec?.containers ?? []),
];

/** `name[:tag]` with kustomize's `images` applied to it (a digest is left as it is). */
function retag(image: string, images: Kustomization['images']): string {
  const match = /^(?<name>[^:@]+(?::\d+\/[^:@]+)?)(?<rest>.*)$/.exec(image);
  const name = match?.groups?.['name'] ?? image;
  const rule = images.find((i) => i.name === name);
  if (!rule) return image;
  return `${rule.newName ?? name}${rule.newTag !== undefined ? `:${rule.newTag}` : (match?.groups?.['rest'] ?? '')}`;
}

/**
 * What `kubectl apply -k DIR` applies: each resource file's objects, in the kustomization's
 * namespace, with its image names and tags. Secrets are not among them: make-secrets.sh makes those.
 */
export function loadKustomization(dir = KUBERNETES_DIR): { kustomization: Kustomization; objects: KubeObject[] } {
  const file = join(dir, 'kustomization.yaml');
  const [doc] = parseYamlDocuments(readFileSync(file, 'utf8'), file);
  const kustomization = kustomizationSchema.parse(doc);
  const objects = kustomization.resources.flatMap((resource) =>
    parseObjects(readFileSync(join(dir, resource), 'utf8'), resource).map((object) => {
      const placed = structuredClone(object) as KubeObject & { metadata: { namespace?: string } };
      if (!CLUSTER_SCOPED.has(placed.kind)) placed.metadata.namespace = kustomization.namespace;
      const template = podTemplate(placed);
      if (template) for (const c of containersOf(template)) if (c.image) c.image = retag(c.image, kustomization.images);
      return placed as KubeObject;
    }),
  );
  return { kustomization, objects };
}

/** The one object of `kind` named `name`; throws naming what is there instead. */
export function findObject<T>(objects: readonly KubeObject[], kind: string, name: string): T {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected one ${kind} ${name}, found ${found.length} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  return found[0] as T;
}

type Validator = { prototype: { validate(this: unknown): void } };

/**
 * Wraps `value` so that every property read is recorded: the schema's compiled validators read
 * each property the schema defines (and every key of a map), so an own key never read is one
 * the schema does not know.
 */
function readTracked(value: unknown, path: string, nodes: Array<{ path: string; value: object; read: Set<string> }>) {
  if (value === null || typeof value !== 'object') return value;
  const read = new Set<string>();
  nodes.push({ path, value, read });
  const children = new Map<string, unknown>();
  return new Proxy(value, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return child;
      read.add(key);
      if (child === null || typeof child !== 'object') return child;
      if (!children.has(key)) children.set(key, readTracked(child, `${path}/${key}`, nodes));
      return children.get(key);
    },
  });
}

/**
 * Why `object` would not be accepted by the Kubernetes API: its kind's JSON schema, from the
 * OpenAPI definitions `kubernetes-models` bundles (offline), and fields the schema does not have,
 * which `kubectl apply` refuses too (strict field validation). Empty when it is valid.
 */
export async function schemaProblems(object: KubeObject): Promise<string[]> {
  const where = `${object.kind}/${object.metadata.name}`;
  let model: Validator | undefined;
  try {
    const module = (await import(/* @vite-ignore */ `kubernetes-models/${object.apiVersion}/${object.kind}`)) as Record<
      string,
      unknown
    >;
    model = module[object.kind] as Validator | undefined;
  } catch {
    // Named below.
  }
  if (!model) return [`${where}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`];
  const nodes: Array<{ path: string; value: object; read: Set<string> }> = [];
  const problems: string[] = [];
  try {
    model.prototype.validate.call(readTracked(structuredClone(object), '', nodes));
  } catch (error) {
    problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const { path, value, read } of nodes)
    for (const key of Object.keys(value)) if (!read.has(key)) problems.push(`${where}: unknown field ${path}/${key}`);
  return problems;
}
