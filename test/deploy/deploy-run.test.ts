import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { freePort } from '../helpers/free-port.js';
import { PostgresServer, postgresSkip } from '../helpers/postgres-server.js';
import { shortenSweep, SWEEPS_DIR } from '../helpers/shortened-sweep.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';
import { containerPort, hostAndPort, optionValue, replaceOption, servicePortTarget } from './container-ports.js';
import {
  coordinator,
  coordinatorDeployment,
  entrypoint,
  PAGE,
  pageShows,
  podUser,
  runtime,
  service,
  worker,
  workerDeployment,
} from './deployment-files.js';
import { environment } from './dockerfile.js';
import { parseSecretCommands, secretValues } from './kubectl-secrets.js';
import { onlyContainer, type DeploymentManifest } from './kubernetes-manifests.js';
import { localContainer, type LocalContainer, type SecretValues } from './local-container.js';
import { PodProcess } from './pod-process.js';

/**
 * deploy/kubernetes/ of docs/deploy.md run on this machine, since there is no cluster here: each
 * container's command line as the kubelet would start it (the same arguments and environment, the
 * Secrets that the page's commands make mounted where the manifests mount them, as the pods' user
 * when the tests run as root), the image's entrypoint being this repository's bin/sweeper.js.
 * A coordinator on a real PostgreSQL server and two workers run a sweep submitted as the page
 * shows; only addresses change (see `startPod`'s callers).
 */
const STUDY = 'quickstart';
const TRIALS = 2;

interface Pod {
  readonly proc: PodProcess;
  readonly local: LocalContainer;
  readonly deployment: DeploymentManifest;
  /** Stands for the image's WORKDIR: the pod's user may not write it (a read-only root file system). */
  readonly cwd: string;
  readonly env: Record<string, string>;
}

/** Whether a TCP connection to the port opens: what the kubelet's tcpSocket probe checks. */
function tcpProbe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** A folder the pods' user may enter but not write. */
function readOnlyFolder(path: string): string {
  mkdirSync(path, { recursive: true });
  chmodSync(path, 0o755);
  return path;
}

/** Removed when the file ends: the pods started in the first test are stopped in the next. */
const dir = tempDir('sweeper-deploy-');
// The pods' user must reach the folders standing for its volumes.
chmodSync(dir, 0o755);

let server: PostgresServer | undefined;
after(async () => server?.close());

/** The pods the first test starts and the next ones stop. */
let running: { coordinator: Pod; workers: Pod[] } | undefined;

describe(`${PAGE}'s manifests run as written, on this machine`, { skip: postgresSkip() }, () => {
  test(`a coordinator on PostgreSQL and two workers, started from the pods' specs, run a sweep submitted as ${PAGE} shows`, async (t) => {
    server = await PostgresServer.start();
    server.database('sweeps');

    // The workstation of the page: its certificate and token commands run as written, its
    // `kubectl create secret` commands read (the database's address made this server's).
    const workstation = join(dir, 'workstation');
    mkdirSync(workstation);
    for (const command of pageShows.filter((c) => /^(openssl|printf) /.test(c)))
      execFileSync('sh', ['-c', command], { cwd: workstation, stdio: 'pipe' });
    const secretCommands = pageShows
      .filter((c) => c.startsWith('kubectl create secret '))
      .map((c) => c.replace('@db.example:5432/sweeps', `@127.0.0.1:${server?.port}/sweeps`));
    const secrets: SecretValues = secretValues(parseSecretCommands(secretCommands, { PGPASSWORD: PostgresServer.password }), workstation);

    // Each pod has its own network, so the coordinator's container port is, here, a free port.
    const listenPort = hostAndPort(optionValue(coordinator.args, '--listen') ?? '').port;
    const localPort = await freePort();
    const { script } = entrypoint();
    const pods = readOnlyFolder(join(dir, 'pods'));

    const startPod = (deployment: DeploymentManifest, name: string, rewrite: (args: string[]) => string[]): Pod => {
      const local = localContainer(deployment.spec.template.spec, onlyContainer(deployment), secrets, join(pods, name));
      const cwd = readOnlyFolder(join(pods, name, 'workdir'));
      const tmp = local.mounts.get('/tmp');
      const env = {
        PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
        HOME: cwd,
        ...environment(runtime),
        ...local.env,
        // The program finds /tmp through os.tmpdir(): here, the folder standing for the emptyDir.
        ...(tmp !== undefined && { TMPDIR: tmp }),
      };
      const proc = new PodProcess(name, [process.execPath, script, ...rewrite(local.args)], { env, cwd, user: podUser(deployment) });
      return { proc, local, deployment, cwd, env };
    };

    const coordinatorPod = startPod(coordinatorDeployment, 'coordinator', (args) =>
      replaceOption(args, '--listen', (value) => `${hostAndPort(value).host}:${localPort}`),
    );
    assert.equal(containerPort(coordinator, coordinator.readinessProbe?.tcpSocket.port ?? ''), listenPort);
    await until(() => tcpProbe(localPort), {
      what: 'the readiness probe',
      signal: t.signal,
      check: () => coordinatorPod.proc.assertRunning(),
    });
    await coordinatorPod.proc.waitForOutput(/coordinator listening on/, t.signal);

    const replicas = Math.min(workerDeployment.spec.replicas, 2);
    const workers = Array.from({ length: replicas }, (_, i) =>
      startPod(workerDeployment, `worker-${i}`, (args) =>
        // The Service's DNS name means nothing here: only the host is rewritten, to localhost (a
        // name the page's certificate holds, for port-forwards); the port follows the Service's
        // targetPort to the coordinator's container port, which is localPort here.
        replaceOption(args, '--coordinator', (value) => {
          const { host, port } = hostAndPort(value);
          assert.equal(host, service.metadata.name);
          assert.equal(servicePortTarget(service, port, coordinator), listenPort);
          return `localhost:${localPort}`;
        }),
      ),
    );
    running = { coordinator: coordinatorPod, workers };
    const everyone = [coordinatorPod, ...workers];
    const diagnostics = (): string => everyone.map((p) => p.proc.tail()).join('\n');
    const threads = Number(optionValue(workers[0]?.local.args ?? [], '--threads'));
    assert.equal(threads, Number(worker.resources.limits.cpu), '--threads is the CPU limit');

    // `kubectl port-forward service/sweeper-coordinator 7400:7400` makes localhost:7400 the
    // coordinator; the coordinator's own port stands for it.
    // The quick start the page submits, as written but for its budget: real training, in the pods' conditions.
    shortenSweep(join(SWEEPS_DIR, 'quickstart.yaml'), join(workstation, 'sweeps'), { trials: TRIALS, epochs: 2 });
    const fromWorkstation = async (prefix: string): Promise<string> => {
      const command = pageShows.find((c) => c.startsWith(prefix));
      assert.ok(command, `${PAGE} shows ${prefix}`);
      const args = command.replace('localhost:7400', `localhost:${localPort}`).split(' ').slice(1);
      const result = await runCli(args, { cwd: workstation });
      assert.equal(result.code, 0, `${command}: ${result.stderr}\n${diagnostics()}`);
      return result.stdout;
    };
    assert.match(await fromWorkstation('sweeper submit '), new RegExp(`submitted study ${STUDY} \\(${TRIALS} trials\\)`));

    // `kubectl exec deployment/sweeper-coordinator -- sweeper ...`: the coordinator container's
    // environment and user, through a `sweeper` link to the entrypoint's script, as the image has.
    const bin = readOnlyFolder(join(dir, 'usr-local-bin'));
    symlinkSync(script, join(bin, 'sweeper'));
    const exec = async (...args: string[]): Promise<string> => {
      const proc = new PodProcess(`exec ${args.join(' ')}`, [join(bin, 'sweeper'), ...args], {
        env: coordinatorPod.env,
        cwd: coordinatorPod.cwd,
        user: podUser(coordinatorDeployment),
      });
      const result = await proc.done;
      assert.equal(result.code, 0, `sweeper ${args.join(' ')}: ${result.stderr}\n${diagnostics()}`);
      return result.stdout;
    };
    await until(
      async () => {
        const { trials } = JSON.parse(await exec('trials', STUDY, '--json')) as { trials: { state: string }[] };
        return trials.length === TRIALS && trials.every((trial) => trial.state === 'COMPLETE');
      },
      { what: `the ${TRIALS} trials to complete`, signal: t.signal, check: () => everyone.forEach((p) => p.proc.assertRunning()) },
    );
    const best = pageShows.find((c) => c.startsWith('kubectl exec deployment/sweeper-coordinator -- sweeper '));
    assert.ok(best, `${PAGE} shows kubectl exec ... sweeper`);
    const [, inPod = ''] = best.split(' -- sweeper ');
    assert.match(await exec(...inPod.split(' ')), new RegExp(`best ${TRIALS} of study ${STUDY} by val_accuracy`));
    const checkpoints = coordinatorPod.local.mounts.get(optionValue(coordinator.args, '--checkpoints') ?? '');
    assert.ok(checkpoints !== undefined && readdirSync(checkpoints).length > 0, 'checkpoints kept on the claim');
    assert.match(await fromWorkstation('sweeper status '), new RegExp(`${replicas} workers, \\d+/${replicas * threads} threads busy`));
    assert.ok(await tcpProbe(localPort), 'the liveness probe');
  });

  test('SIGTERM, as the kubelet sends it, drains every pod within its grace period; none wrote outside its volumes or showed the password', async () => {
    assert.ok(running, 'the pods ran');
    const { coordinator: coordinatorPod, workers } = running;
    for (const pod of [coordinatorPod, ...workers]) pod.proc.sigterm();
    for (const pod of workers) {
      const result = await pod.proc.exitWithin(pod.deployment.spec.template.spec.terminationGracePeriodSeconds);
      assert.ok(result, `${pod.proc.name} stopped within its grace period\n${pod.proc.tail()}`);
      assert.equal(result.code, 0, pod.proc.tail());
    }
    const grace = new AbortController();
    const timer = setTimeout(() => grace.abort(), coordinatorDeployment.spec.template.spec.terminationGracePeriodSeconds * 1000);
    await coordinatorPod.proc.waitForOutput(/coordinator stopped/, grace.signal).finally(() => clearTimeout(timer));
    for (const pod of [coordinatorPod, ...workers]) {
      assert.deepEqual(readdirSync(pod.cwd), [], `${pod.proc.name} wrote nothing outside its volumes`);
      assert.ok(!`${pod.proc.stdout}${pod.proc.stderr}`.includes(PostgresServer.password), `${pod.proc.name} never shows the password`);
    }
  });

  // The coordinator has stopped by now (its store closed, its studies' locks freed); its process
  // must then end, or Kubernetes waits out the grace period and SIGKILLs it. It used to wait for its
  // TLS peers to close their half of each connection, and at times then spun at full CPU in Node's
  // teardown, never exiting (coordinator-definition.ts).
  test('the stopped coordinator exits at once, whatever its TLS peers still hold open', async () => {
    assert.ok(running, 'the pods ran');
    const pod = running.coordinator;
    // It has stopped: exiting takes no time, and 10 s is generous.
    const result = await pod.proc.exitWithin(10);
    if (result === undefined) pod.proc.kill();
    assert.equal(result?.code, 0, `the coordinator still runs 10 s after printing "coordinator stopped"\n${pod.proc.tail(5)}`);
  });
});
