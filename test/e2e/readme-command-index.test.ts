import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readmeCommands } from '../helpers/readme.js';

/**
 * Every command the README shows a user (its ```sh blocks and `$ ` lines), and the test that runs
 * it, or why none can. A command added to the README without a test, or a test moved away, fails
 * here. Tests run `node bin/sweeper.js` for `npx sweeper`, on loopback (127.0.0.1 and a free
 * port) where the README names a machine or a fixed port, and on shortened copies of sweep files.
 */
const INDEX: Record<string, { test: string; as?: string } | { ci: string } | { notRun: string }> = {
  // Quick start
  'npm install && npx sweeper run sweeps/quickstart.yaml': { test: 'e2e/readme-quick-start', as: 'the run; `npm install` is CI\'s `npm ci`' },
  'npm test': { ci: '.ci/run runs it' },
  // Commands
  'sweeper run sweeps/quickstart.yaml --db runs.db --threads 2': { test: 'e2e/readme-quick-start' },
  'sweeper run sweeps/quickstart.yaml --study quickstart-2': { test: 'e2e/readme-quick-start' },
  'sweeper resume quickstart --db runs.db': { test: 'cli/interrupt-resume' },
  'sweeper best quickstart --top 3': { test: 'e2e/readme-quick-start' },
  'sweeper best quickstart --top 1 --json': { test: 'e2e/readme-quick-start' },
  'sweeper best seed-004-learning-rules --group-by optimizer --top 1': { test: 'e2e/readme-sweep-files', as: 'on the shortened sweep run on generated EMNIST-format files' },
  'sweeper best seed-004-learning-rules --where optimizer=adam --where beta1=0.9': { test: 'e2e/readme-sweep-files', as: 'on the shortened sweep run on generated EMNIST-format files' },
  'sweeper best seed-004-learning-rules --where optimizer=sgd --where optimizer=rmsprop': { test: 'e2e/readme-sweep-files', as: 'on the shortened sweep run on generated EMNIST-format files' },
  'sweeper best seed-004-batchnorm-cnn --where architecture=cnn --where batch_norm=true': { test: 'e2e/readme-sweep-files', as: 'on the shortened sweep run on generated EMNIST-format files' },
  'sweeper best seed-000-learning-rates --where "learning_rate>=1e-3" --where "learning_rate<0.1"': { test: 'e2e/readme-sweep-files' },
  'sweeper best quickstart --where depth=two': { test: 'e2e/readme-quick-start' },
  'sweeper best tiny --group-by optimizer --top 1': { test: 'cli/query-commands' },
  'sweeper show quickstart 14': { test: 'e2e/readme-quick-start', as: 'the best trial of a shorter budget' },
  'sweeper show quickstart 14 --json': { test: 'e2e/readme-quick-start', as: 'the best trial of a shorter budget' },
  'sweeper export quickstart > trials.csv': { test: 'e2e/readme-quick-start' },
  'sweeper export quickstart --epochs -o epochs.csv': { test: 'e2e/readme-quick-start' },
  'sweeper export quickstart --format json -o trials.json': { test: 'e2e/readme-quick-start' },
  'sweeper export quickstart --format jsonl': { test: 'e2e/readme-quick-start' },
  'sweeper trials quickstart --state failed': { test: 'e2e/readme-quick-start' },
  'sweeper trials --state complete,pruned quickstart': { test: 'e2e/readme-quick-start' },
  'export SWEEPER_DB=runs.db SWEEPER_COORDINATOR=10.0.0.5:7400 SWEEPER_TOKEN_FILE=~/.sweeper-token': { test: 'cli/environment-defaults', as: 'each variable with a local store and coordinator' },
  'sweeper best quickstart': { test: 'cli/table-width', as: 'at 80 and 120 columns, on a study with the quick start\'s parameters' },
  'sweeper best quickstart && npx sweeper status': { test: 'cli/environment-defaults', as: 'best and status taking their store, coordinator and token from the variables' },
  'sweeper trials quickstart --csv > trials.csv': { test: 'e2e/readme-quick-start' },
  'sweeper trials quickstart --json': { test: 'e2e/readme-quick-start' },
  'sweeper report quickstart -o quickstart.html --db runs.db --top 5': { test: 'e2e/readme-quick-start' },
  'sweeper studies --json': { test: 'e2e/readme-quick-start' },
  'sweeper coordinator --db runs.db': { test: 'e2e/readme-sweep-files', as: 'with --listen 127.0.0.1:PORT instead of the fixed 7400' },
  'sweeper coordinator --db runs.db --listen 0.0.0.0:7400 --token-file token --tls-cert coordinator.pem --tls-key coordinator.key': { test: 'e2e/readme-cluster', as: '--listen 127.0.0.1:PORT' },
  'sweeper coordinator --db runs.db --dashboard 127.0.0.1:7401': { test: 'e2e/readme-cluster', as: 'free ports for both' },
  'sweeper worker --coordinator 10.0.0.5:7400 --threads 8 --token-file token --tls-ca ca.pem': { test: 'e2e/readme-cluster', as: '127.0.0.1:PORT, 1 thread each for two workers' },
  'sweeper submit sweeps/quickstart.yaml --coordinator 10.0.0.5:7400 --token-file token --tls-ca ca.pem': { test: 'e2e/readme-cluster', as: '127.0.0.1:PORT' },
  'sweeper submit sweeps/synthetic.yaml --study synthetic-2 --json': { test: 'e2e/readme-cluster', as: 'with the connection options, not the default 127.0.0.1:7400' },
  'sweeper status --coordinator 10.0.0.5:7400 --token-file token --tls-ca ca.pem': { test: 'e2e/readme-cluster', as: '127.0.0.1:PORT' },
  'sweeper status --json': { test: 'e2e/readme-cluster', as: 'with the connection options, not the default 127.0.0.1:7400' },
  'sweeper dashboard --db runs.db': { test: 'e2e/readme-quick-start', as: 'with --listen 127.0.0.1:PORT instead of the fixed 7401' },
  'sweeper dashboard --db runs.db --listen 0.0.0.0:7401 --token-file token': { test: 'e2e/readme-quick-start', as: '--listen 127.0.0.1:PORT' },
  // A cluster: both blocks are read from the README and run as written, addresses made 127.0.0.1 and a free port.
  'sweeper coordinator --db cluster.db --listen 127.0.0.1:7400': { test: 'e2e/readme-cluster', as: 'a free port' },
  'sweeper worker --coordinator 127.0.0.1:7400 --threads 1': { test: 'e2e/readme-cluster', as: 'a free port' },
  'sweeper submit sweeps/quickstart.yaml --coordinator 127.0.0.1:7400': { test: 'e2e/readme-cluster', as: 'a free port' },
  'sweeper status --coordinator 127.0.0.1:7400': { test: 'e2e/readme-cluster', as: 'a free port' },
  'sweeper best quickstart --db cluster.db': { test: 'e2e/readme-cluster' },
  'openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=sweeper-ca -keyout ca.key -out ca.pem': { test: 'e2e/readme-cluster' },
  'openssl req -newkey rsa:2048 -nodes -subj /CN=coordinator -keyout coordinator.key -out coordinator.csr': { test: 'e2e/readme-cluster' },
  "printf 'subjectAltName=IP:10.0.0.5\\n' > san.ext": { test: 'e2e/readme-cluster', as: 'IP:127.0.0.1' },
  'openssl x509 -req -in coordinator.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 -extfile san.ext -out coordinator.pem': { test: 'e2e/readme-cluster' },
  'openssl rand -hex 32 > token': { test: 'e2e/readme-cluster' },
  // Development
  'npm run build': { ci: 'npm test runs it' },
  'npm run lint': { ci: 'npm test runs it' },
  'npm run depcheck': { ci: 'npm test runs it' },
  'npm run test:unit': { ci: 'npm test runs it' },
  'npm run bench:tpe-speed': { notRun: 'a benchmark (minutes, python3-optuna), not a test' },
  'npm run bench:tpe-quality': { notRun: 'a benchmark (minutes, python3-optuna), not a test' },
  'npm run bench:store': { notRun: 'a benchmark (minutes, python3-optuna), not a test' },
  'npm run bench:overhead': { notRun: 'a benchmark (minutes, python3-optuna), not a test' },
  'npm run bench:throughput': { notRun: 'a benchmark (minutes, python3-optuna), not a test' },
  'npm run bench:train': { notRun: 'a benchmark (minutes, PyTorch), not a test' },
  'npm run bench:query': { notRun: 'a benchmark (minutes, python3-optuna), not a test' },
};

describe('README commands', () => {
  test('every command the README shows is in the index, and the index has no command the README lost', () => {
    const documented = [...new Set(readmeCommands().map((c) => c.command))].sort();
    assert.deepEqual(documented, Object.keys(INDEX).sort());
  });

  test('each test named in the index exists', () => {
    for (const [command, entry] of Object.entries(INDEX)) {
      if (!('test' in entry)) continue;
      const file = fileURLToPath(new URL(`../${entry.test}.test.js`, import.meta.url));
      assert.ok(existsSync(file), `${command}: ${file}`);
    }
  });
});
