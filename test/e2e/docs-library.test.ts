import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { pageBlocks, REPO } from '../helpers/markdown.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * docs/library.md's example, run as written: its TypeScript compiled as is, `'sweeper'` resolved to
 * this build's package entry (dist/src/index.js, as package.json exports it), and the one function
 * it leaves to the reader, `evaluate`, given.
 */
describe('docs/library.md: ask and tell', () => {
  test('the example runs: 50 trials asked, reported and told in my.db, the best 3 printed', async (t) => {
    const [block, ...others] = pageBlocks('docs/library.md').filter((b) => b.lang === 'ts');
    assert.ok(block && others.length === 0, 'docs/library.md has one TypeScript example');
    assert.match(block.text, /from 'sweeper';/);
    const entry = pathToFileURL(join(REPO, 'dist/src/index.js')).href;
    const source = `const evaluate = (params) => (params.x - 1) ** 2 + (params.kind === 'b' ? params.y / 10 : 0);\n${block.text.replace(/from 'sweeper';/, `from '${entry}';`)}`;
    const { outputText, diagnostics } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      reportDiagnostics: true,
    });
    assert.deepEqual(diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) ?? [], []);
    const dir = tempDir('sweeper-e2e-library-');
    const script = join(dir, 'example.mjs');
    writeFileSync(script, outputText);

    const printed = execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
    assert.match(printed, /number: \d+/, 'the best trials are printed');

    const store = SqliteTrialStore.open(join(dir, 'my.db'));
    t.after(() => store.close());
    const study = await store.getStudy('my-study');
    assert.equal(study.definition.objective.direction, 'minimize');
    const trials = await store.listTrials(study.id);
    assert.equal(trials.length, 50);
    assert.ok(
      trials.every((trial) => trial.state === 'COMPLETE'),
      'every trial told',
    );
    assert.deepEqual(
      (await store.getEpochs(trials[0]?.id ?? -1)).map((e) => [e.epoch, e.valLoss]),
      [[1, 0.3]],
      'the reported epoch',
    );
    assert.ok(
      trials.some((trial) => 'y' in trial.params) && trials.some((trial) => !('y' in trial.params)),
      'y exists only when kind is b',
    );
  });
});
