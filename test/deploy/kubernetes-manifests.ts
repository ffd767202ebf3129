import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { REPO } from '../helpers/markdown.js';

export const MANIFESTS_DIR = join(REPO, 'deploy', 'kubernetes');

/**
 * The part of Kubernetes' objects that deploy/kubernetes uses, as the API server reads it. A field
 * the test relies on that is misspelt or of the wrong type fails here; fields it does not use pass.
 */
const Quantity = z.union([z.string(), z.number()]).transform(String);
const Labels = z.record(z.string(), z.string());
const PortReference = z.union([z.string(), z.number()]);
const Metadata = z.object({ name: z.string(), namespace: z.string().optional(), labels: Labels.optional() });

const EnvVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      secretKeyRef: z.object({ name: z.string(), key: z.string() }).optional(),
      resourceFieldRef: z.object({ resource: z.string(), containerName: z.string().optional(), divisor: Quantity.optional() }).optional(),
    })
    .optional(),
});

/** Only TCP probes: a gRPC call would need the token, and an HTTP probe has nothing to ask. */
const Probe = z.object({ tcpSocket: z.object({ port: PortReference }) });

const Container = z.object({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).default([]),
  env: z.array(EnvVar).default([]),
  ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number() })).default([]),
  readinessProbe: Probe.optional(),
  livenessProbe: Probe.optional(),
  resources: z
    .object({ requests: z.record(z.string(), Quantity).default({}), limits: z.record(z.string(), Quantity).default({}) })
    .default({ requests: {}, limits: {} }),
  securityContext: z
    .object({ allowPrivilegeEscalation: z.boolean().optional(), readOnlyRootFilesystem: z.boolean().optional() })
    .default({}),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() })).default([]),
});

const Volume = z.object({
  name: z.string(),
  secret: z
    .object({
      secretName: z.string(),
      defaultMode: z.number().optional(),
      items: z.array(z.object({ key: z.string(), path: z.string() })).optional(),
    })
    .optional(),
  persistentVolumeClaim: z.object({ claimName: z.string() }).optional(),
  emptyDir: z.object({}).optional(),
});

const PodSpec = z.object({
  containers: z.array(Container).min(1),
  volumes: z.array(Volume).default([]),
  securityContext: z
    .object({
      runAsNonRoot: z.boolean().optional(),
      runAsUser: z.number().optional(),
      runAsGroup: z.number().optional(),
      fsGroup: z.number().optional(),
    })
    .default({}),
  // Kubernetes' defaults.
  terminationGracePeriodSeconds: z.number().default(30),
  enableServiceLinks: z.boolean().default(true),
});

const Deployment = z.object({
  kind: z.literal('Deployment'),
  metadata: Metadata,
  spec: z.object({
    replicas: z.number().default(1),
    strategy: z.object({ type: z.string() }).optional(),
    selector: z.object({ matchLabels: Labels }),
    template: z.object({ metadata: z.object({ labels: Labels }), spec: PodSpec }),
  }),
});

const Service = z.object({
  kind: z.literal('Service'),
  metadata: Metadata,
  spec: z.object({
    type: z.string().default('ClusterIP'),
    selector: Labels,
    ports: z.array(z.object({ name: z.string().optional(), port: z.number(), targetPort: PortReference.optional() })).min(1),
  }),
});

const Secret = z.object({
  kind: z.literal('Secret'),
  metadata: Metadata,
  type: z.string().default('Opaque'),
  stringData: z.record(z.string(), z.string()).default({}),
  data: z.record(z.string(), z.string()).default({}),
});

const PersistentVolumeClaim = z.object({
  kind: z.literal('PersistentVolumeClaim'),
  metadata: Metadata,
  spec: z.object({ accessModes: z.array(z.string()).min(1) }),
});

const Kustomization = z.object({
  kind: z.literal('Kustomization'),
  resources: z.array(z.string()),
  images: z.array(z.object({ name: z.string(), newName: z.string().optional(), newTag: z.string().optional() })).default([]),
});

const Manifest = z.discriminatedUnion('kind', [Deployment, Service, Secret, PersistentVolumeClaim, Kustomization]);

export type Manifest = z.infer<typeof Manifest> & { readonly file: string };
export type DeploymentManifest = Extract<Manifest, { kind: 'Deployment' }>;
export type ServiceManifest = Extract<Manifest, { kind: 'Service' }>;
export type SecretManifest = Extract<Manifest, { kind: 'Secret' }>;
export type PodSpec = DeploymentManifest['spec']['template']['spec'];
export type ContainerSpec = PodSpec['containers'][number];

/**
 * Every object of every YAML file of the folder, multi-document files included. Read as YAML 1.1,
 * as Kubernetes reads it (a file mode written 0440 is octal there).
 */
export function loadManifests(dir = MANIFESTS_DIR): Manifests {
  const all: Manifest[] = [];
  for (const file of manifestFiles(dir)) {
    for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'), { version: '1.1' })) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      const value: unknown = document.toJS();
      if (value === null) continue;
      const parsed = Manifest.safeParse(value);
      if (!parsed.success) throw new Error(`${file}: not an object the deployment is made of: ${z.prettifyError(parsed.error)}`);
      all.push({ ...parsed.data, file });
    }
  }
  return new Manifests(all);
}

export function manifestFiles(dir = MANIFESTS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

/** Lookups by kind and name; a missing object throws, naming what was looked for. */
export class Manifests {
  constructor(readonly all: readonly Manifest[]) {}

  deployments(): DeploymentManifest[] {
    return this.all.filter((m): m is DeploymentManifest => m.kind === 'Deployment');
  }

  deployment(name: string): DeploymentManifest {
    return found(
      `Deployment ${name}`,
      this.deployments().find((m) => m.metadata.name === name),
    );
  }

  services(): ServiceManifest[] {
    return this.all.filter((m): m is ServiceManifest => m.kind === 'Service');
  }

  service(name: string): ServiceManifest {
    return found(
      `Service ${name}`,
      this.services().find((m) => m.metadata.name === name),
    );
  }

  secret(name: string): SecretManifest {
    return found(
      `Secret ${name}`,
      this.all.find((m): m is SecretManifest => m.kind === 'Secret' && m.metadata.name === name),
    );
  }

  hasClaim(name: string): boolean {
    return this.all.some((m) => m.kind === 'PersistentVolumeClaim' && m.metadata.name === name);
  }

  kustomization(): Extract<Manifest, { kind: 'Kustomization' }> {
    return found(
      'the Kustomization',
      this.all.find((m): m is Extract<Manifest, { kind: 'Kustomization' }> => m.kind === 'Kustomization'),
    );
  }
}

/** The keys a Secret holds, whether written as stringData or base64 data. */
export function secretKeys(secret: SecretManifest): string[] {
  return [...Object.keys(secret.stringData), ...Object.keys(secret.data)].sort();
}

/** The one container of a Deployment's pods (each of ours has one). */
export function onlyContainer(deployment: DeploymentManifest): ContainerSpec {
  const [container, ...others] = deployment.spec.template.spec.containers;
  if (container === undefined || others.length > 0) throw new Error(`Deployment ${deployment.metadata.name} should have one container`);
  return container;
}

function found<T>(what: string, value: T | undefined): T {
  if (value === undefined) throw new Error(`deploy/kubernetes has no ${what}`);
  return value;
}
