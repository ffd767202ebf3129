import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, SWEEPER_BIN } from '../helpers/cli-process.js';
import { helpOptions, type HelpOption } from '../helpers/help-options.js';
import { REPO } from '../helpers/markdown.js';
import { containerPort, hostAndPort, optionValue, servicePortTarget } from './container-ports.js';
import {
  coordinator,
  coordinatorDeployment,
  entrypoint,
  imageUser,
  manifests,
  PAGE,
  pageShows,
  runtime,
  service,
  stages,
  worker,
  workerDeployment,
} from './deployment-files.js';
import { copies, instructions, origin, workdir } from './dockerfile.js';
import { parseSecretCommands } from './kubectl-secrets.js';
import { manifestFiles, secretKeys, type ContainerSpec } from './kubernetes-manifests.js';
import { expandVariables, quantity } from './local-container.js';

/**
 * The Dockerfile and deploy/kubernetes/ of docs/deploy.md cannot run here (no Docker, no cluster):
 * they are read and checked against each other, the CLI and the page. A manifest that names a
 * flag or variable the CLI lacks, a Secret or key nobody creates, a port that does not line up,
 * or a root user fails here; deploy-run.test.ts then runs each container's command line.
 */
const EXAMPLE_SECRETS = 'secrets.example.yaml';
const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; files: string[] };

const helpPages = new Map<string, Map<string, HelpOption>>();
async function helpOf(command: string): Promise<Map<string, HelpOption>> {
  let options = helpPages.get(command);
  if (options === undefined) {
    const help = await runCli([command, '--help']);
    assert.equal(help.code, 0, `sweeper ${command} --help: ${help.stderr}`);
    options = helpOptions(help.stdout);
    helpPages.set(command, options);
  }
  return options;
}

/** The flags and SWEEPER_ variables of a container that `sweeper COMMAND --help` does not list. */
async function unknownToTheCli(container: ContainerSpec): Promise<string[]> {
  const [command = '', ...rest] = container.args;
  const options = await helpOf(command);
  const variables = new Set([...options.values()].flatMap((o) => (o.env === undefined ? [] : [o.env])));
  const flags = rest.filter((arg) => arg.startsWith('--')).map((arg) => arg.split('=')[0] as string);
  const names = container.env.map((v) => v.name).filter((name) => name.startsWith('SWEEPER_'));
  return [...flags.filter((flag) => !options.has(flag)), ...names.filter((name) => !variables.has(name))];
}

/** The drain the kubelet's SIGTERM starts: --drain-timeout, or its default. */
async function drainSeconds(container: ContainerSpec): Promise<number> {
  const given = optionValue(container.args, '--drain-timeout');
  return Number(given ?? (await helpOf(container.args[0] ?? '')).get('--drain-timeout')?.default);
}

describe(`the Dockerfile (${PAGE})`, () => {
  test('builds on node:20-bookworm and runs on node:20-bookworm-slim, with nothing built in the runtime stage', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    const build = stages.find((s) => s.name === 'build');
    assert.ok(build, 'a stage named build');
    assert.equal(build.image, 'node:20-bookworm');
    assert.equal(runtime.image, 'node:20-bookworm-slim');
    const built = instructions(build, 'RUN')
      .map((i) => i.value)
      .join('\n');
    for (const step of ['python3 make g++', 'npm ci', 'npm run build', 'npm prune --omit=dev'])
      assert.ok(built.includes(step), `the build stage runs ${step}`);
    assert.ok(!instructions(runtime, 'RUN').some((i) => /\bnpm\b/.test(i.value)), 'the runtime stage runs no npm');
  });

  test('runs as a user that is not root, given by number', () => {
    assert.notEqual(imageUser().uid, 0);
  });

  test("its entrypoint is this repository's bin/sweeper.js, in exec form, with no CMD; `sweeper` on the PATH is the same script", () => {
    const { argv, script } = entrypoint();
    assert.equal(argv[0], 'node');
    assert.equal(script, SWEEPER_BIN, 'the program this test runs');
    assert.deepEqual(instructions(runtime, 'CMD'), [], 'no CMD: the first argument picks the command');
    const link = instructions(runtime, 'RUN').find((i) => i.value.includes('/usr/local/bin/sweeper'));
    assert.equal(link?.value, `ln -s ${argv[1]} /usr/local/bin/sweeper`);
  });

  test('the runtime stage holds everything the npm package ships, copied from the build stage', () => {
    const dir = workdir(runtime);
    for (const entry of packageJson.files.filter((f) => !f.startsWith('!'))) {
      const from = origin(stages, runtime, `${dir}/${entry}`);
      assert.ok(!('madeIn' in from && from.madeIn === runtime.image), `${entry} is copied into the image`);
    }
    assert.ok(
      copies(runtime).every((c) => c.from === 'build'),
      'everything comes from the build stage',
    );
  });

  test(".dockerignore keeps the host's node_modules and dist out of the build, and lets the entrypoint in", () => {
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const name of ['node_modules', 'dist', '.git']) assert.ok(ignored.includes(name), name);
    assert.ok(!ignored.some((pattern) => pattern === 'bin' || pattern.startsWith('bin/')));
  });
});

describe(`deploy/kubernetes (${PAGE})`, () => {
  test('every object parses, none names a namespace, and the kustomization applies every file but the example Secrets', () => {
    assert.ok(manifests.all.every((m) => !('metadata' in m) || m.metadata.namespace === undefined));
    const applied = manifestFiles().filter((file) => file !== 'kustomization.yaml' && file !== EXAMPLE_SECRETS);
    assert.deepEqual([...manifests.kustomization().resources].sort(), applied);
    assert.ok(
      manifests.all.filter((m) => m.kind === 'Secret').every((m) => m.file === EXAMPLE_SECRETS),
      'Secrets only in the example',
    );
  });

  test('one coordinator, replaced by Recreate, behind a ClusterIP Service; workers in a Deployment of their own', () => {
    assert.equal(coordinatorDeployment.spec.replicas, 1);
    assert.equal(coordinatorDeployment.spec.strategy?.type, 'Recreate');
    assert.equal(service.spec.type, 'ClusterIP');
    assert.ok(workerDeployment.spec.replicas >= 1);
    assert.deepEqual(coordinator.args[0], 'coordinator');
    assert.deepEqual(worker.args[0], 'worker');
  });

  test('every volume, Secret, key and claim a pod uses is defined, and each Deployment selects its own pods', () => {
    for (const deployment of manifests.deployments()) {
      const pod = deployment.spec.template.spec;
      const name = deployment.metadata.name;
      for (const [label, value] of Object.entries(deployment.spec.selector.matchLabels))
        assert.equal(deployment.spec.template.metadata.labels[label], value, `${name} selects its pods`);
      for (const volume of pod.volumes) {
        if (volume.secret) {
          const keys = secretKeys(manifests.secret(volume.secret.secretName));
          for (const item of volume.secret.items ?? [])
            assert.ok(keys.includes(item.key), `${name}: ${volume.secret.secretName} has ${item.key}`);
        }
        if (volume.persistentVolumeClaim) assert.ok(manifests.hasClaim(volume.persistentVolumeClaim.claimName), `${name}: claim defined`);
      }
      for (const container of pod.containers) {
        assert.equal(container.command, undefined, `${name}: the image's entrypoint runs`);
        for (const mount of container.volumeMounts)
          assert.ok(
            pod.volumes.some((v) => v.name === mount.name),
            `${name}: volume ${mount.name}`,
          );
        for (const variable of container.env) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref)
            assert.ok(secretKeys(manifests.secret(ref.name)).includes(ref.key), `${name}: ${variable.name} from ${ref.name}.${ref.key}`);
        }
      }
    }
  });

  test("the Service and the probes reach the coordinator's --listen port, and the workers connect to the Service", () => {
    const selected = manifests
      .deployments()
      .filter((d) => Object.entries(service.spec.selector).every(([label, value]) => d.spec.template.metadata.labels[label] === value));
    assert.deepEqual(
      selected.map((d) => d.metadata.name),
      ['sweeper-coordinator'],
      'the Service selects the coordinator only',
    );
    const listen = hostAndPort(optionValue(coordinator.args, '--listen') ?? '');
    assert.equal(listen.host, '0.0.0.0', 'reachable from other pods');
    assert.deepEqual(
      coordinator.ports.map((p) => p.containerPort),
      [listen.port],
    );
    for (const port of service.spec.ports) assert.equal(servicePortTarget(service, port.port, coordinator), listen.port);
    for (const probe of [coordinator.readinessProbe, coordinator.livenessProbe]) {
      assert.ok(probe, 'readiness and liveness probes');
      assert.equal(containerPort(coordinator, probe.tcpSocket.port), listen.port);
    }
    const target = hostAndPort(optionValue(worker.args, '--coordinator') ?? '');
    assert.equal(target.host, service.metadata.name);
    assert.equal(servicePortTarget(service, target.port, coordinator), listen.port);
  });

  test("the pods run as the image's user, never root, unprivileged, on a read-only root file system", () => {
    const { uid, gid } = imageUser();
    for (const deployment of manifests.deployments()) {
      const pod = deployment.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true, deployment.metadata.name);
      assert.equal(pod.securityContext.runAsUser, uid);
      if (gid !== undefined) assert.equal(pod.securityContext.runAsGroup, gid);
      assert.equal(pod.enableServiceLinks, false);
      for (const container of pod.containers) {
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
      }
    }
  });

  test('one image for both, the one the kustomization names, tagged with the version', () => {
    assert.equal(coordinator.image, worker.image);
    const image = manifests.kustomization().images.find((i) => i.name === coordinator.image);
    assert.ok(image, `the kustomization sets the image ${coordinator.image}`);
    assert.equal(image.newTag, packageJson.version);
    assert.ok(pageShows.includes(`docker build -t ${image.newName ?? image.name}:${packageJson.version} .`), `${PAGE} builds that image`);
  });

  test('each pod is given longer than its drain to stop before SIGKILL', async () => {
    for (const deployment of manifests.deployments()) {
      const pod = deployment.spec.template.spec;
      for (const container of pod.containers)
        assert.ok(pod.terminationGracePeriodSeconds > (await drainSeconds(container)), `${deployment.metadata.name}: grace period > drain`);
    }
  });

  test(`the example Secrets have the keys ${PAGE}'s commands create, and no password`, () => {
    const created = parseSecretCommands(
      pageShows.filter((c) => c.startsWith('kubectl create secret ')),
      { PGPASSWORD: 'x' },
    );
    const examples = manifests.all.filter((m) => m.kind === 'Secret');
    assert.deepEqual(
      created.map(({ name, entries }) => [name, entries.map((e) => e.key).sort()]).sort(),
      examples.map((s) => [s.metadata.name, secretKeys(s)]).sort(),
    );
    for (const { name, entries } of created) {
      for (const entry of entries)
        if ('literal' in entry && entry.literal.startsWith('postgres:')) assert.equal(new URL(entry.literal).password, '', name);
    }
    const exampleUrl = manifests.secret('sweeper-postgres').stringData.url ?? '';
    assert.equal(new URL(exampleUrl).password, '');
  });
});

describe('the manifests and the CLI', () => {
  test('every flag and SWEEPER_ variable of the containers is one `sweeper COMMAND --help` lists', async () => {
    for (const container of [coordinator, worker]) assert.deepEqual(await unknownToTheCli(container), [], container.name);
  });

  test('a flag or variable the CLI lacks is caught', async () => {
    const renamed = { ...worker, args: [...worker.args, '--no-such-flag', '1'], env: [...worker.env, { name: 'SWEEPER_NO_SUCH' }] };
    assert.deepEqual(await unknownToTheCli(renamed), ['--no-such-flag', 'SWEEPER_NO_SUCH']);
  });

  test('$(VAR) is expanded as Kubernetes expands it, and a resource quantity read as it reads it', () => {
    assert.equal(expandVariables('--threads=$(CPU)', { CPU: '2' }), '--threads=2');
    assert.equal(expandVariables('$(MISSING) $$(CPU) $$', { CPU: '2' }), '$(MISSING) $(CPU) $');
    assert.deepEqual(['2', '500m', '1Gi'].map(quantity), [2, 0.5, 2 ** 30]);
  });
});
