import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { showOutput } from '../../cli/commands/show-command.js';
import { trialPageView } from '../../dashboard/dashboard-views.js';
import { classLabel, studyClassNames } from '../../src/datasets/class-names.js';
import { DATASET_FACTS } from '../../src/datasets/dataset-catalog.js';
import { studySections } from '../../src/report/study-charts.js';
import { loadStudyReportData } from '../../src/report/study-report-data.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { StudyDefinition } from '../../src/store/study-definition.js';
import { writeFashionStudy } from '../helpers/fashion-study.js';
import { tempDir } from '../helpers/temp-dir.js';
import { studyDefinition } from '../store/study-fixture.js';

const trainingOn = (name: string): StudyDefinition =>
  ({ ...studyDefinition('s'), task: { type: 'train', dataset: { name }, model: {}, training: {} } }) as unknown as StudyDefinition;

describe('class names', () => {
  test('each dataset with named classes has one name per class; digits have none', () => {
    for (const name of ['fashion-mnist', 'emnist-balanced', 'cifar-10'] as const) {
      assert.equal(studyClassNames(trainingOn(name))?.length, DATASET_FACTS[name].classes, name);
    }
    const emnist = studyClassNames(trainingOn('emnist-balanced'));
    assert.deepEqual(
      [emnist?.[9], emnist?.[10], emnist?.[35], emnist?.[36], emnist?.[38], emnist?.[46]],
      ['9', 'A', 'Z', 'a', 'd', 't'],
      'emnist-balanced-mapping.txt',
    );
    assert.equal(studyClassNames(trainingOn('cifar-10'))?.[3], 'cat');
    assert.equal(studyClassNames(trainingOn('mnist')), undefined);
    assert.equal(studyClassNames(trainingOn('bundled-mnist')), undefined);
    assert.equal(studyClassNames(studyDefinition('ask-tell')), undefined, 'no task');
  });

  test('a label: number and name, or the number alone where it is the name', () => {
    const emnist = studyClassNames(trainingOn('emnist-balanced'));
    assert.equal(classLabel(6, studyClassNames(trainingOn('fashion-mnist'))), '6 Shirt');
    assert.equal(classLabel(3, emnist), '3');
    assert.equal(classLabel(10, emnist), '10 A');
    assert.equal(classLabel(3, undefined), '3');
  });

  describe('where a Fashion-MNIST trial shows them', () => {
    const dir = tempDir();
    let store: SqliteTrialStore;
    before(async () => {
      store = SqliteTrialStore.open(join(dir, 'fashion.db'));
      await writeFashionStudy(store);
    });
    after(async () => store.close());

    test('sweeper show: rows of the confusion matrix and the per-class scores', async () => {
      const text = await showOutput(store, 'fashion', 0, {});
      assert.match(text, /│ 6 Shirt +│ 30 +│ 0 +│ 0 +│ 0 +│ 0 +│ 0 +│ 70 +│ 0 +│ 0 +│ 0 +│/, 'the confusion row of class 6');
      assert.match(text, /│ 6 Shirt +│ 1\.0000 +│ 0\.7000 +│ 0\.8235 +│ 100 +│/, 'its scores');
      assert.match(text, /│ 9 Ankle boot +│ 0 /);
      const json = JSON.parse(await showOutput(store, 'fashion', 0, { json: true })) as {
        repeats: { test: { classes: { class: number; name: string }[] } }[];
      };
      assert.deepEqual(json.repeats[0]?.test.classes[6], {
        class: 6,
        name: 'Shirt',
        precision: 1,
        recall: 0.7,
        f1: 0.8235294117647058,
        support: 100,
      });
    });

    test('the report and the dashboard', async () => {
      const sections = studySections(await loadStudyReportData(store, 'fashion'));
      const confusion = sections.find((s) => s.id === 'confusion-matrix') as { spec: { layer: { encoding: { y: { sort: string[] } } }[] } };
      assert.equal(confusion.spec.layer[0]?.encoding.y.sort[6], '6 Shirt');
      const scores = sections.find((s) => s.id === 'class-scores') as { spec: { data: { values: { class: string }[] } } };
      assert.ok(scores.spec.data.values.some((row) => row.class === '0 T-shirt/top (n=100)'));
      const view = (await trialPageView(store, 'fashion', 0)) as { repeats: { test: { classes: { name: string }[] } }[] };
      assert.equal(view.repeats[0]?.test.classes[9]?.name, 'Ankle boot');
    });
  });
});
