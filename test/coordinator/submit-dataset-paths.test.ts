import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { CoordinatorClient } from '../../src/rpc/coordinator-client.js';
import { writeIdxDataset } from '../datasets/dataset-fixtures.js';
import { startCoordinator, type CoordinatorFixture } from '../helpers/in-process-coordinator.js';
import { capturingLogger } from '../helpers/log-capture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';
import { until } from '../helpers/until.js';

const dir = tempDir();
const FASHION = '/usr/share/datasets/fashion-mnist';

/** A sweep on the given dataset section, under its own study name. */
const sweep = (study: string, dataset: string): string => tinySweepYaml({ study: `study: ${study}`, dataset: `dataset: ${dataset}` });
const mnistFiles = (images: string, labels: string): string =>
  `{ name: mnist, validation: 10, test: 0, files: { train_images: ${images}, train_labels: ${labels} } }`;

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

const refused = (pattern: RegExp) => (error: ServiceError) => {
  assert.equal(error.code, status.FAILED_PRECONDITION, `${status[error.code]}: ${error.details}`);
  assert.match(error.details, pattern);
  return true;
};

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a coordinator checks submitted dataset paths without ever blocking on them', () => {
  let fixture: CoordinatorFixture;
  let client: CoordinatorClient;
  before(async () => {
    fixture = await startCoordinator(dir, 'dataset-paths');
    client = new CoordinatorClient({ address: fixture.coordinator.address, credentials: credentials.createInsecure(), timeoutMs: 20_000 });
  });
  after(async () => {
    client.close();
    await fixture.close();
  });

  test('a FIFO is refused as not a regular file, naming it', async () => {
    const images = fifo('images.fifo');
    const labels = fifo('labels.fifo');
    await assert.rejects(
      client.submit({ sweepYaml: sweep('fifo', mnistFiles(images, labels)), fileName: 'fifo.yaml' }),
      refused(new RegExp(`${escape(images)}: cannot read: is a FIFO \\(named pipe\\), not a regular file`)),
    );
    assert.equal(await fixture.store.findStudy('fifo'), undefined);
  });

  test(
    'after five FIFO submits, a submit of real dataset files still succeeds',
    { skip: !existsSync(FASHION) && 'no Fashion-MNIST here' },
    async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          client.submit({
            sweepYaml: sweep(`fifo-${i}`, mnistFiles(fifo(`images-${i}.fifo`), fifo(`labels-${i}.fifo`))),
            fileName: 'fifo.yaml',
          }),
        ),
      );
      for (const result of results) assert.equal(result.status, 'rejected');
      const reply = await client.submit({
        sweepYaml: sweep('fashion', `{ name: fashion-mnist, dir: ${FASHION}, validation: 10 }`),
        fileName: 'fashion.yaml',
      });
      assert.equal(reply.study, 'fashion');
    },
  );

  test('/dev/zero is refused as a character device', async () => {
    writeIdxDataset(join(dir, 'unused'), { train: 1, test: 0 });
    await assert.rejects(
      client.submit({
        sweepYaml: sweep('zero', mnistFiles('/dev/zero', join(dir, 'unused', 'train-labels-idx1-ubyte'))),
        fileName: 'zero.yaml',
      }),
      refused(/\/dev\/zero: cannot read: is a character device, not a regular file/),
    );
    assert.equal(await fixture.store.findStudy('zero'), undefined);
  });

  test('an IDX file shorter than its header promises is refused at submit', async () => {
    const data = join(dir, 'short');
    mkdirSync(data);
    writeIdxDataset(data, { train: 20, test: 5 });
    truncateSync(join(data, 'train-images-idx3-ubyte'), 16 + 784 * 19);
    await assert.rejects(
      client.submit({ sweepYaml: sweep('short', `{ name: mnist, dir: ${data}, validation: 10 }`), fileName: 'short.yaml' }),
      refused(new RegExp(`${escape(join(data, 'train-images-idx3-ubyte'))}: truncated: the header declares 20 images of 28x28`)),
    );
    assert.equal(await fixture.store.findStudy('short'), undefined);
  });
});

describe('a submit whose client gave up does not create its study', () => {
  let fixture: CoordinatorFixture;
  const log = capturingLogger();
  before(async () => {
    // A check that outlasts the call's deadline and then succeeds, heedless of the abort, as a
    // slow file system would: only the submit itself can then keep the study from being created.
    const datasetChecker = (_spec: unknown, signal?: AbortSignal): Promise<void> =>
      new Promise((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
    fixture = await startCoordinator(dir, 'deadline', { datasetChecker, logger: log.logger });
  });
  after(() => fixture.close());

  test('past the deadline, the study is not created when the check ends', async (t) => {
    const client = new CoordinatorClient({
      address: fixture.coordinator.address,
      credentials: credentials.createInsecure(),
      timeoutMs: 300,
    });
    try {
      const submitted = client.submit({
        sweepYaml: sweep('late', '{ name: bundled-mnist, limit: 1200, validation: 200, test: 0 }'),
        fileName: 'late.yaml',
      });
      await assert.rejects(
        submitted,
        (error: ServiceError) => error.code === status.DEADLINE_EXCEEDED || assert.fail(`${status[error.code]}: ${error.details}`),
      );
    } finally {
      client.close();
    }
    // The coordinator logs the submit's end either way: refused, or (the bug) submitted late.
    await until(() => log.records.some((record) => record.rpc === 'Submit' || record.msg === 'study submitted'), {
      what: 'the submit to end',
      signal: t.signal,
    });
    assert.equal(await fixture.store.findStudy('late'), undefined);
    assert.equal(fixture.coordinator.studyHost.isActive('late'), false);
  });
});
