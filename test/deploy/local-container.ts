import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerSpec, PodSpec } from './kubernetes-manifests.js';

/** What a pod gets from outside its manifest: the Secrets' values, by Secret name and key. */
export type SecretValues = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A container made ready to run on this machine: its arguments and environment as the kubelet would give them. */
export interface LocalContainer {
  /** The container's args (after the image's entrypoint), `$(VAR)` expanded, mounted paths made local. */
  readonly args: string[];
  /** Its environment, as defined in the manifest, values resolved the same way. */
  readonly env: Record<string, string>;
  /** Each volume's mountPath and the local folder standing for it. */
  readonly mounts: ReadonlyMap<string, string>;
}

/**
 * Does for one container what the kubelet does before starting it: each volume becomes a folder
 * under `root` (a Secret's keys written as files with the volume's mode; a claim or emptyDir a
 * folder the pod's fsGroup may write), its env is resolved (values, secretKeyRef, resourceFieldRef,
 * `$(VAR)` of the variables above), and its args are expanded. Paths under a mountPath, in args and
 * env, are rewritten to the folder standing for it: nothing else of the command line changes.
 */
export function localContainer(pod: PodSpec, container: ContainerSpec, secrets: SecretValues, root: string): LocalContainer {
  const mounts = new Map<string, string>();
  for (const mount of container.volumeMounts) {
    const volume = pod.volumes.find((v) => v.name === mount.name);
    if (volume === undefined) throw new Error(`${container.name}: volumeMount ${mount.name} names no volume of the pod`);
    const folder = join(root, container.name, volume.name);
    mkdirSync(folder, { recursive: true });
    if (volume.secret) writeSecret(folder, volume.secret, secrets, pod.securityContext.fsGroup);
    else if (volume.persistentVolumeClaim || volume.emptyDir) writableByPod(folder, pod.securityContext.fsGroup);
    else throw new Error(`${container.name}: volume ${volume.name} is of a kind this test does not make`);
    mounts.set(mount.mountPath, folder);
  }
  const env: Record<string, string> = {};
  for (const variable of container.env) {
    env[variable.name] = localPaths(resolveValue(variable, container, secrets, env), mounts);
  }
  const args = container.args.map((arg) => localPaths(expandVariables(arg, env), mounts));
  return { args, env, mounts };
}

/**
 * Kubernetes' `$(VAR)` expansion: a variable defined (above, for env values) is replaced, `$$` is
 * a literal `$`, and a reference to an undefined variable is left as written.
 */
export function expandVariables(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) =>
    name === undefined ? '$' : (variables[name] ?? match),
  );
}

/** A resource quantity in base units: `500m` is 0.5, `2Gi` is 2^31. */
export function quantity(text: string): number {
  const match = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  if (!match) throw new Error(`${text} is not a resource quantity this test reads`);
  const scale: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(match[1]) * (match[2] === undefined ? 1 : (scale[match[2]] as number));
}

function resolveValue(
  variable: ContainerSpec['env'][number],
  container: ContainerSpec,
  secrets: SecretValues,
  above: Readonly<Record<string, string>>,
): string {
  if (variable.value !== undefined) return expandVariables(variable.value, above);
  const secretRef = variable.valueFrom?.secretKeyRef;
  if (secretRef) {
    const value = secrets[secretRef.name]?.[secretRef.key];
    if (value === undefined)
      throw new Error(
        `${container.name}: ${variable.name} reads key ${secretRef.key} of Secret ${secretRef.name}, which the test has no value for`,
      );
    return value;
  }
  const fieldRef = variable.valueFrom?.resourceFieldRef;
  if (fieldRef) {
    const [kind, resource] = fieldRef.resource.split('.') as [string, string];
    const amounts = kind === 'limits' ? container.resources.limits : container.resources.requests;
    const amount = amounts[resource];
    if (amount === undefined)
      throw new Error(`${container.name}: ${variable.name} reads ${fieldRef.resource}, which the container does not set`);
    // The kubelet rounds up to a whole number of divisors.
    return String(Math.ceil(quantity(amount) / quantity(fieldRef.divisor ?? '1')));
  }
  throw new Error(`${container.name}: ${variable.name} has neither a value nor a source this test resolves`);
}

/** `path`, or `--flag=path`, under a mountPath, made the local folder's. */
function localPaths(value: string, mounts: ReadonlyMap<string, string>): string {
  const byLength = [...mounts].sort(([a], [b]) => b.length - a.length);
  const equals = value.startsWith('--') ? value.indexOf('=') + 1 : 0;
  const [prefix, path] = [value.slice(0, equals), value.slice(equals)];
  for (const [mountPath, folder] of byLength) {
    if (path === mountPath) return prefix + folder;
    if (path.startsWith(`${mountPath}/`)) return prefix + folder + path.slice(mountPath.length);
  }
  return value;
}

function writeSecret(
  folder: string,
  volume: { secretName: string; defaultMode?: number | undefined; items?: { key: string; path: string }[] | undefined },
  secrets: SecretValues,
  fsGroup: number | undefined,
): void {
  const values = secrets[volume.secretName];
  if (values === undefined) throw new Error(`Secret ${volume.secretName} is mounted, and the test has no values for it`);
  const files = volume.items ?? Object.keys(values).map((key) => ({ key, path: key }));
  for (const { key, path } of files) {
    const value = values[key];
    if (value === undefined) throw new Error(`Secret ${volume.secretName} has no key ${key} in the test's values`);
    const file = join(folder, path);
    writeFileSync(file, value);
    // Kubernetes' default mode is 0644; the files belong to root and, with an fsGroup, to that group.
    chmodSync(file, volume.defaultMode ?? 0o644);
    if (asRoot()) chownSync(file, 0, fsGroup ?? 0);
  }
  chmodSync(folder, 0o755);
}

/** A claim or emptyDir: with an fsGroup, the group's and setgid, as the kubelet makes it. */
function writableByPod(folder: string, fsGroup: number | undefined): void {
  if (asRoot()) chownSync(folder, 0, fsGroup ?? 0);
  chmodSync(folder, fsGroup === undefined ? 0o755 : 0o2775);
}

function asRoot(): boolean {
  return process.getuid?.() === 0;
}
