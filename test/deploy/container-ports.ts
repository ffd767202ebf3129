import type { ContainerSpec, ServiceManifest } from './kubernetes-manifests.js';

/** The value of `--flag VALUE` or `--flag=VALUE` in `args`, if given. */
export function optionValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === flag) return args[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/** `args` with the value of `flag` replaced by `change(value)`; the flag must be there. */
export function replaceOption(args: readonly string[], flag: string, change: (value: string) => string): string[] {
  const value = optionValue(args, flag);
  if (value === undefined) throw new Error(`${flag} is not among ${args.join(' ')}`);
  return args.map((arg, i) => {
    if (args[i - 1] === flag) return change(arg);
    return arg.startsWith(`${flag}=`) ? `${flag}=${change(value)}` : arg;
  });
}

/** `host:port` split at its last colon. */
export function hostAndPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port)) throw new Error(`${address} is not HOST:PORT`);
  return { host: address.slice(0, at), port };
}

/** The container port a probe or a Service's targetPort names, by name or number: it must be declared. */
export function containerPort(container: ContainerSpec, reference: string | number): number {
  const port = container.ports.find((p) => (typeof reference === 'number' ? p.containerPort === reference : p.name === reference));
  if (port === undefined) throw new Error(`${container.name} declares no port ${reference}`);
  return port.containerPort;
}

/** The container port that traffic to the Service's `port` goes to (targetPort, which defaults to the port). */
export function servicePortTarget(service: ServiceManifest, port: number, container: ContainerSpec): number {
  const entry = service.spec.ports.find((p) => p.port === port);
  if (entry === undefined) throw new Error(`Service ${service.metadata.name} has no port ${port}`);
  return containerPort(container, entry.targetPort ?? entry.port);
}
