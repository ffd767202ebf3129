import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/sweeper.js', import.meta.url));
/** TensorFlow.js keeps its engine in this global once loaded: the cheapest sure sign it was imported. */
const REPORT_TF = "process.on('exit', () => process.stderr.write(globalThis._tfengine ? 'tensorflow loaded' : 'tensorflow not loaded'))";

function stderrOf(args: string[]): string {
  // From the repository root, where `import('sweeper')` resolves to this package (its exports).
  const child = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REPORT_TF)}`, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  return child.stderr;
}

describe('TensorFlow.js is loaded only where models train', () => {
  test('the library, and checking a sweep file with a CNN, do not load it', () => {
    const script = [
      "const { parseSweep } = await import('sweeper');",
      "parseSweep('study: s\\ndataset: { name: bundled-mnist, validation: 0.1 }\\nmodel: { architecture: cnn, conv_layers: 2 }\\ntraining: { epochs: 1 }\\nspace: { learning_rate: { type: float, low: 0.001, high: 0.1, log: true } }\\nbudget: { trials: 1 }\\n', 's.yaml');",
    ].join('\n');
    // The same check must see TensorFlow.js when it is imported, or it proves nothing.
    assert.match(stderrOf(['--input-type=module', '-e', "await import('@tensorflow/tfjs');"]), /tensorflow loaded/);
    assert.match(stderrOf(['--input-type=module', '-e', script]), /tensorflow not loaded/);
  });

  test('a command that only reads the store does not pay for it', () => {
    assert.match(stderrOf([BIN, '--version']), /tensorflow not loaded/);
  });
});
