import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { docPages, pageCommands } from '../helpers/markdown.js';

/**
 * Every command the documentation shows a user (the ```sh blocks and `$ ` lines of README.md and
 * docs/*.md), page by page, and the test that runs it, or why none can. A command added to a page
 * without a test, a page added with commands, or a test moved away, fails here. Tests run
 * `node bin/sweeper.js` for `npx sweeper`, on loopback (127.0.0.1 and a free port) where a page
 * names a machine or a fixed port, and on shortened copies of sweep files.
 */
type Entry = { test: string; as?: string } | { ci: string } | { notRun: string };

/** Docker and Kubernetes are not on the test machines: what these commands would use is checked instead. */
const NO_DOCKER = "no Docker here: deploy/deploy-manifests checks the Dockerfile's stages, user, entrypoint and files";
const NO_CLUSTER = "no cluster here: deploy/deploy-manifests checks what it applies, deploy/deploy-run runs its containers' command lines";
const NO_CLUSTER_TO_SCALE = "no cluster here: deploy/deploy-run runs two replicas of the workers' pod";
const SECRET_READ = 'read, not run (no cluster here): the Secret it would make is mounted and set where the manifests say';

const INDEX: Record<string, Record<string, Entry>> = {
  'README.md': {
    'npm install && npx sweeper run sweeps/quickstart.yaml': {
      test: 'e2e/readme-quick-start',
      as: "the run; `npm install` is CI's `npm ci`",
    },
    'npm test': { ci: '.ci/run runs it' },
    'sweeper run examples/pytorch/sweep.yaml': { test: 'e2e/own-code-cluster', as: 'shortened to 4 trials of 2 epochs on 1,500 images' },
    'sweeper coordinator --db cluster.db --listen 127.0.0.1:7400': { test: 'e2e/readme-cluster', as: 'a free port' },
    'sweeper worker --coordinator 127.0.0.1:7400 --threads 1': { test: 'e2e/readme-cluster', as: 'a free port' },
    'sweeper submit sweeps/quickstart.yaml --coordinator 127.0.0.1:7400': { test: 'e2e/readme-cluster', as: 'a free port' },
    'sweeper status --coordinator 127.0.0.1:7400': { test: 'e2e/readme-cluster', as: 'a free port' },
    'sweeper best quickstart --db cluster.db': { test: 'e2e/readme-cluster' },
    'docker build -t sweeper:0.1.0 .': { notRun: NO_DOCKER },
    'kubectl apply -k deploy/kubernetes': { notRun: NO_CLUSTER },
    'kubectl scale deployment/sweeper-worker --replicas=8': { notRun: NO_CLUSTER_TO_SCALE },
  },
  'docs/cli.md': {
    'sweeper logs mlp 7 --follow --coordinator 10.0.0.5:7400 --token-file token --tls-ca ca.pem': {
      test: 'e2e/logs-follow',
      as: 'on loopback and a free port, without token or TLS (which every coordinator call checks alike)',
    },
    'sweeper run sweeps/quickstart.yaml --db runs.db --threads 2': { test: 'e2e/readme-quick-start' },
    'sweeper run sweeps/quickstart.yaml --study quickstart-2': { test: 'e2e/readme-quick-start' },
    'sweeper resume quickstart --db runs.db': { test: 'cli/interrupt-resume' },
    'sweeper export-model quickstart 7 -o best-model': { test: 'cli/export-model', as: 'on a sweep keeping its best trial, its number' },
    'sweeper migrate --from runs.db --to postgres://sweeper@db.example/sweeps --study quickstart': {
      test: 'store/migrate-command',
      as: 'one study of two chosen with --study, into a file and into a PostgreSQL server of its own',
    },
    'sweeper best quickstart --top 3': { test: 'e2e/readme-quick-start' },
    'sweeper best quickstart --top 1 --json': { test: 'e2e/readme-quick-start' },
    'sweeper best report-004-learning-rules --group-by optimizer --top 1': {
      test: 'e2e/readme-sweep-files',
      as: 'on the shortened sweep run on generated EMNIST-format files',
    },
    'sweeper best report-004-learning-rules --where optimizer=adam --where beta1=0.9': {
      test: 'e2e/readme-sweep-files',
      as: 'on the shortened sweep run on generated EMNIST-format files',
    },
    'sweeper best report-004-learning-rules --where optimizer=sgd --where optimizer=rmsprop': {
      test: 'e2e/readme-sweep-files',
      as: 'on the shortened sweep run on generated EMNIST-format files',
    },
    'sweeper best report-004-batchnorm-cnn --where architecture=cnn --where batch_norm=true': {
      test: 'e2e/readme-sweep-files',
      as: 'on the shortened sweep run on generated EMNIST-format files',
    },
    'sweeper best report-000-learning-rates --where "learning_rate>=1e-3" --where "learning_rate<0.1"': { test: 'e2e/readme-sweep-files' },
    'sweeper best quickstart --where depth=two': { test: 'e2e/readme-quick-start' },
    'sweeper best tiny --group-by optimizer --top 1': { test: 'cli/query-commands' },
    'sweeper show quickstart 14': { test: 'e2e/readme-quick-start', as: 'the best trial of a shorter budget' },
    'sweeper show quickstart 14 --json': { test: 'e2e/readme-quick-start', as: 'the best trial of a shorter budget' },
    'sweeper logs mlp 7': { test: 'cli/own-code-results', as: "on a store of a user's own code made through the store" },
    'sweeper logs mlp 7 --repeat 1': { test: 'cli/own-code-results', as: "on a store of a user's own code made through the store" },
    'sweeper export quickstart > trials.csv': { test: 'e2e/readme-quick-start' },
    'sweeper export quickstart --epochs -o epochs.csv': { test: 'e2e/readme-quick-start' },
    'sweeper export quickstart --format json -o trials.json': { test: 'e2e/readme-quick-start' },
    'sweeper export quickstart --format jsonl': { test: 'e2e/readme-quick-start' },
    'sweeper trials quickstart --state failed': { test: 'e2e/readme-quick-start' },
    'sweeper trials --state complete,pruned quickstart': { test: 'e2e/readme-quick-start' },
    'export SWEEPER_DB=runs.db SWEEPER_COORDINATOR=10.0.0.5:7400 SWEEPER_TOKEN_FILE=~/.sweeper-token': {
      test: 'cli/environment-defaults',
      as: 'each variable with a local store and coordinator',
    },
    'sweeper best quickstart': { test: 'cli/table-width', as: "at 80 and 120 columns, on a study with the quick start's parameters" },
    'sweeper best quickstart && npx sweeper status': {
      test: 'cli/environment-defaults',
      as: 'best and status taking their store, coordinator and token from the variables',
    },
    'sweeper trials quickstart --csv > trials.csv': { test: 'e2e/readme-quick-start' },
    'sweeper trials quickstart --json': { test: 'e2e/readme-quick-start' },
    'sweeper report quickstart -o quickstart.html --db runs.db --top 5': { test: 'e2e/readme-quick-start' },
    'sweeper studies --json': { test: 'e2e/readme-quick-start' },
    'sweeper coordinator --db runs.db': { test: 'e2e/readme-sweep-files', as: 'with --listen 127.0.0.1:PORT instead of the fixed 7400' },
    'sweeper coordinator --db runs.db --listen 0.0.0.0:7400 --token-file token --tls-cert coordinator.pem --tls-key coordinator.key': {
      test: 'e2e/readme-cluster',
      as: '--listen 127.0.0.1:PORT',
    },
    'sweeper coordinator --db runs.db --dashboard 127.0.0.1:7401': { test: 'e2e/readme-cluster', as: 'free ports for both' },
    'sweeper worker --coordinator 10.0.0.5:7400 --threads 8 --token-file token --tls-ca ca.pem': {
      test: 'e2e/readme-cluster',
      as: '127.0.0.1:PORT, 1 thread each for two workers',
    },
    'sweeper submit sweeps/quickstart.yaml --coordinator 10.0.0.5:7400 --token-file token --tls-ca ca.pem': {
      test: 'e2e/readme-cluster',
      as: '127.0.0.1:PORT',
    },
    'sweeper submit sweeps/synthetic.yaml --study synthetic-2 --json': {
      test: 'e2e/readme-cluster',
      as: 'with the connection options, not the default 127.0.0.1:7400',
    },
    'sweeper status --coordinator 10.0.0.5:7400 --token-file token --tls-ca ca.pem': { test: 'e2e/readme-cluster', as: '127.0.0.1:PORT' },
    'sweeper status --json': { test: 'e2e/readme-cluster', as: 'with the connection options, not the default 127.0.0.1:7400' },
    'sweeper dashboard --db runs.db': { test: 'e2e/readme-quick-start', as: 'with --listen 127.0.0.1:PORT instead of the fixed 7401' },
    'sweeper dashboard --db runs.db --listen 0.0.0.0:7401 --token-file token': {
      test: 'e2e/readme-quick-start',
      as: '--listen 127.0.0.1:PORT',
    },
  },
  'docs/store.md': {
    'sweeper coordinator --db postgres://sweeper@db.example/sweeps --listen 0.0.0.0:7400 --token-file token --checkpoints /shared/checkpoints':
      {
        test: 'distributed/postgres-cluster',
        as: 'a PostgreSQL server of its own on loopback, --listen 127.0.0.1:0, no token, a temp folder',
      },
    'sweeper best quickstart --db postgres://sweeper@db.example/sweeps': {
      test: 'distributed/postgres-cluster',
      as: 'the study of the test, on its server',
    },
    'sweeper migrate --from runs.db --to postgres://sweeper@db.example/sweeps --to-checkpoints /shared/checkpoints': {
      test: 'store/migrate-command',
      as: 'a study with a trial in every state, into a PostgreSQL server of its own and a temp folder',
    },
    'sweeper migrate --from postgres://sweeper@db.example/sweeps --from-checkpoints /shared/checkpoints --to quickstart.db --study quickstart':
      {
        test: 'store/migrate-command',
        as: 'the same study back from that server into a new file',
      },
  },
  // Read from the page and run as written, addresses made 127.0.0.1 and a free port.
  'docs/cluster.md': {
    'openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=sweeper-ca -keyout ca.key -out ca.pem': { test: 'e2e/readme-cluster' },
    'openssl req -newkey rsa:2048 -nodes -subj /CN=coordinator -keyout coordinator.key -out coordinator.csr': {
      test: 'e2e/readme-cluster',
    },
    "printf 'subjectAltName=IP:10.0.0.5\\n' > san.ext": { test: 'e2e/readme-cluster', as: 'IP:127.0.0.1' },
    'openssl x509 -req -in coordinator.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 -extfile san.ext -out coordinator.pem': {
      test: 'e2e/readme-cluster',
    },
    'openssl rand -hex 32 > token': { test: 'e2e/readme-cluster' },
    'sweeper coordinator --db runs.db --listen 0.0.0.0:7400 --token-file token --tls-cert coordinator.pem --tls-key coordinator.key': {
      test: 'e2e/readme-cluster',
      as: '--listen 127.0.0.1:PORT',
    },
    'sweeper worker --coordinator 10.0.0.5:7400 --threads 8 --token-file token --tls-ca ca.pem': {
      test: 'e2e/readme-cluster',
      as: '127.0.0.1:PORT, 1 thread each for two workers',
    },
    'sweeper submit sweeps/quickstart.yaml --coordinator 10.0.0.5:7400 --token-file token --tls-ca ca.pem': {
      test: 'e2e/readme-cluster',
      as: '127.0.0.1:PORT',
    },
    'sweeper status --coordinator 10.0.0.5:7400 --token-file token --tls-ca ca.pem': { test: 'e2e/readme-cluster', as: '127.0.0.1:PORT' },
    'sweeper coordinator --db postgres://sweeper@db.example/sweeps --listen 0.0.0.0:7400 --token-file token --checkpoints /shared/checkpoints':
      {
        test: 'distributed/standby-coordinator',
        as: 'two, on a PostgreSQL server of its own, on 127.0.0.1 and free ports, with --leader-lease 2, without a token',
      },
    'sweeper worker --coordinator 10.0.0.5:7400,10.0.0.6:7400 --token-file token': {
      test: 'distributed/standby-coordinator',
      as: 'the two coordinators on 127.0.0.1 and free ports, without a token',
    },
    'sweeper status --coordinator 10.0.0.5:7400,10.0.0.6:7400 --token-file token': {
      test: 'distributed/standby-coordinator',
      as: 'the two coordinators on 127.0.0.1 and free ports, without a token',
    },
  },
  // The certificate commands run as written; the Secret commands are read (no cluster) and their
  // Secrets mounted where the manifests mount them; the sweeper commands run against the pods.
  'docs/deploy.md': {
    'docker build -t sweeper:0.1.0 .': { notRun: NO_DOCKER },
    'openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=sweeper-ca -keyout ca.key -out ca.pem': { test: 'deploy/deploy-run' },
    'openssl req -newkey rsa:2048 -nodes -subj /CN=sweeper-coordinator -keyout coordinator.key -out coordinator.csr': {
      test: 'deploy/deploy-run',
    },
    "printf 'subjectAltName=DNS:sweeper-coordinator,DNS:localhost\\n' > san.ext": { test: 'deploy/deploy-run' },
    'openssl x509 -req -in coordinator.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 -extfile san.ext -out coordinator.pem': {
      test: 'deploy/deploy-run',
    },
    'openssl rand -hex 32 > token': { test: 'deploy/deploy-run' },
    'kubectl create secret generic sweeper-postgres --from-literal=url=postgres://sweeper@db.example:5432/sweeps --from-literal=password="$PGPASSWORD"':
      { test: 'deploy/deploy-run', as: SECRET_READ },
    'kubectl create secret generic sweeper-token --from-file=token=token': { test: 'deploy/deploy-run', as: SECRET_READ },
    'kubectl create secret tls sweeper-coordinator-tls --cert=coordinator.pem --key=coordinator.key': {
      test: 'deploy/deploy-run',
      as: SECRET_READ,
    },
    'kubectl create secret generic sweeper-ca --from-file=ca.crt=ca.pem': { test: 'deploy/deploy-run', as: SECRET_READ },
    'kubectl apply -k deploy/kubernetes': { notRun: NO_CLUSTER },
    'kubectl scale deployment/sweeper-worker --replicas=8': { notRun: NO_CLUSTER_TO_SCALE },
    'kubectl port-forward service/sweeper-coordinator 7400:7400': {
      notRun: "no cluster here: deploy/deploy-run connects to the coordinator's own port in its place",
    },
    'sweeper submit sweeps/quickstart.yaml --coordinator localhost:7400 --token-file token --tls-ca ca.pem': {
      test: 'deploy/deploy-run',
      as: "the quick start shortened to 2 trials of 2 epochs, the coordinator's port for the port-forward's",
    },
    'sweeper status --coordinator localhost:7400 --token-file token --tls-ca ca.pem': {
      test: 'deploy/deploy-run',
      as: "the coordinator's port for the port-forward's",
    },
    'kubectl exec deployment/sweeper-coordinator -- sweeper best quickstart': {
      test: 'deploy/deploy-run',
      as: "with the coordinator container's environment and user, through a `sweeper` link as the image has",
    },
  },
  'docs/internals.md': {
    'npm run build': { ci: 'npm test runs it' },
    'npm run format': { ci: 'npm test runs its check, npm run format:check, which fails where this would change a file' },
    'npm run lint': { ci: 'npm test runs it' },
    'npm run depcheck': { ci: 'npm test runs it' },
    'npm run test:unit': { ci: 'npm test runs it' },
    'npm test': { ci: 'npm test runs it' },
  },
};

/** The compiled test a command's entry names. */
const testFile = (name: string): string => fileURLToPath(new URL(`../${name}.test.js`, import.meta.url));

describe('the commands of README.md and docs/*.md', () => {
  test('the index has exactly the pages that show commands', () => {
    const withCommands = docPages().filter((page) => pageCommands(page).length > 0);
    assert.deepEqual(Object.keys(INDEX).sort(), withCommands.sort());
  });

  for (const page of docPages()) {
    test(`${page}: every command it shows is in the index, and the index has no command the page lost`, () => {
      const documented = [...new Set(pageCommands(page).map((c) => c.command))].sort();
      assert.deepEqual(documented, Object.keys(INDEX[page] ?? {}).sort());
    });
  }

  test('each test named in the index exists, and names the page whose commands it runs', () => {
    for (const [page, commands] of Object.entries(INDEX)) {
      for (const [command, entry] of Object.entries(commands)) {
        if (!('test' in entry)) continue;
        const file = testFile(entry.test);
        assert.ok(existsSync(file), `${page}: ${command}: ${file}`);
        assert.ok(readFileSync(file, 'utf8').includes(page), `${page}: ${command}: ${entry.test} does not name ${page}`);
      }
    }
  });

  test('a command added to a page is caught: the index is compared with what the page shows', () => {
    const text =
      '# A page\n\n```sh\nnpx sweeper best quickstart --top 2   # a comment\nnpx sweeper coordinator --db a.db \\\n    --listen 127.0.0.1:0\n```\n\n```\n$ npx sweeper studies\nno studies\n```\n';
    assert.deepEqual(
      pageCommands('docs/example.md', text).map((c) => c.command),
      ['sweeper best quickstart --top 2', 'sweeper coordinator --db a.db --listen 127.0.0.1:0', 'sweeper studies'],
    );
  });
});
