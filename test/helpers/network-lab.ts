import { spawnSync } from 'node:child_process';

/** One end of a veth pair: the device in its namespace, and its IPv4 address. */
export interface LinkEnd {
  readonly namespace: string;
  readonly device: string;
  readonly address: string;
}

export interface VethLink {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
}

/**
 * How a link is cut. `netem` (loss 100%) and `tbf` (a token bucket whose burst is smaller than
 * any packet, so it drops them all: for kernels built without netem) keep the devices up: TCP
 * connections stay open and simply hear nothing, as in a real partition, and new ones time out.
 * `link-down` is the last resort: connections stay open, but new ones fail at once.
 */
export type CutMethod = 'netem' | 'tbf' | 'link-down';

const CUTS: Record<CutMethod, (end: LinkEnd) => string[]> = {
  netem: (end) => ['ip', 'netns', 'exec', end.namespace, 'tc', 'qdisc', 'add', 'dev', end.device, 'root', 'netem', 'loss', '100%'],
  tbf: (end) => [
    'ip',
    'netns',
    'exec',
    end.namespace,
    'tc',
    'qdisc',
    'add',
    'dev',
    end.device,
    'root',
    'tbf',
    'rate',
    '8bit',
    'burst',
    '10',
    'limit',
    '1',
  ],
  'link-down': (end) => ['ip', '-n', end.namespace, 'link', 'set', end.device, 'down'],
};

function run(argv: readonly string[]): { ok: boolean; output: string; missing: boolean } {
  const [command, ...args] = argv as [string, ...string[]];
  const result = spawnSync(command, args, { encoding: 'utf8' });
  const missing = result.error !== undefined && 'code' in result.error && result.error.code === 'ENOENT';
  return {
    ok: result.status === 0,
    output: `${result.stderr ?? ''}${result.stdout ?? ''}`.trim() || (result.error?.message ?? ''),
    missing,
  };
}

function must(argv: readonly string[]): void {
  const result = run(argv);
  if (!result.ok) throw new Error(`\`${argv.join(' ')}\` failed: ${result.output}`);
}

/**
 * Why this process cannot build a network lab here (no `ip`, no right to make namespaces, no
 * veth), or undefined when it can. It tries for real, with a namespace removed again at once.
 */
export function networkLabUnavailable(): string | undefined {
  if (run(['ip', '-V']).missing) return '`ip` (Debian package iproute2) is not installed';
  const probe = `sweeper-probe-${process.pid}`;
  const added = run(['ip', 'netns', 'add', probe]);
  if (!added.ok) {
    const uid = process.getuid?.();
    const who = uid === 0 ? 'even as root' : `running as uid ${uid}, not root`;
    return `\`ip netns add\` is not permitted here (${who}): ${added.output}`;
  }
  try {
    const veth = run(['ip', '-n', probe, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']);
    if (!veth.ok) return `veth pairs cannot be made here: ${veth.output}`;
    return undefined;
  } finally {
    run(['ip', 'netns', 'del', probe]);
  }
}

/**
 * Network namespaces joined by veth pairs, each pair its own /24, named with a prefix unique to
 * this run. `destroy` removes every namespace (and with them their devices); it never throws.
 */
export class NetworkLab {
  private readonly namespaces: string[] = [];
  private links = 0;
  private method: CutMethod | undefined;

  constructor(private readonly prefix: string) {}

  /** A new namespace with its loopback up; returns its name. */
  addNamespace(label: string): string {
    const name = `${this.prefix}-${label}`;
    must(['ip', 'netns', 'add', name]);
    this.namespaces.push(name);
    must(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth pair between two namespaces, on 10.213.N.0/24: `a` gets .1 and `b` gets .2. */
  connect(a: string, b: string): VethLink {
    const n = ++this.links;
    // Device names are at most 15 characters: the prefix is left out, the pid kept.
    const tag = `sw${process.pid % 1_000_000}l${n}`;
    const link: VethLink = {
      a: { namespace: a, device: `${tag}a`, address: `10.213.${n}.1` },
      b: { namespace: b, device: `${tag}b`, address: `10.213.${n}.2` },
    };
    must(['ip', '-n', a, 'link', 'add', link.a.device, 'type', 'veth', 'peer', 'name', link.b.device, 'netns', b]);
    for (const end of [link.a, link.b]) {
      must(['ip', '-n', end.namespace, 'addr', 'add', `${end.address}/24`, 'dev', end.device]);
      must(['ip', '-n', end.namespace, 'link', 'set', end.device, 'up']);
    }
    return link;
  }

  /** Cuts the link at both ends, the first way of CUTS this kernel has; returns which. */
  cut(link: VethLink): CutMethod {
    if (this.method === undefined) {
      const tried: string[] = [];
      for (const method of Object.keys(CUTS) as CutMethod[]) {
        const result = run(CUTS[method](link.a));
        if (result.ok) {
          this.method = method;
          break;
        }
        tried.push(`${method}: ${result.output}`);
      }
      if (this.method === undefined) throw new Error(`cannot cut ${link.a.device}: ${tried.join('; ')}`);
    } else {
      must(CUTS[this.method](link.a));
    }
    must(CUTS[this.method](link.b));
    return this.method;
  }

  heal(link: VethLink): void {
    for (const end of [link.a, link.b]) {
      if (this.method === 'link-down') must(['ip', '-n', end.namespace, 'link', 'set', end.device, 'up']);
      else must(['ip', 'netns', 'exec', end.namespace, 'tc', 'qdisc', 'del', 'dev', end.device, 'root']);
    }
  }

  /** The prefix that runs a command inside a namespace. */
  commandIn(namespace: string): string[] {
    return ['ip', 'netns', 'exec', namespace];
  }

  /** Kills whatever still runs in the namespaces, then removes them (their devices go with them). */
  destroy(): void {
    for (const name of this.namespaces.splice(0).reverse()) {
      const pids = run(['ip', 'netns', 'pids', name])
        .output.split(/\s+/)
        .filter((pid) => /^\d+$/.test(pid));
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      run(['ip', 'netns', 'del', name]);
    }
  }
}
