import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import type { StudyDefinition } from '../../src/store/study-definition.js';
import type { CommandTask } from '../../src/user-code/command-task.js';
import type { ModuleTask } from '../../src/user-code/module-task.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

/** The tiny sweep with its training sections replaced by `section` (a command: or module: section). */
const own = (section: string, overrides: Record<string, string> = {}): Record<string, string> => ({
  dataset: '',
  model: '',
  training: '',
  task: section,
  ...overrides,
});

function commandTask(definition: StudyDefinition): CommandTask {
  assert.equal(definition.task?.type, 'command');
  return definition.task;
}

function moduleTask(definition: StudyDefinition): ModuleTask {
  assert.equal(definition.task?.type, 'module');
  return definition.task;
}

describe('sweep files with a command: section', () => {
  test('the list form: argv as written, cwd the sweep file folder, the default grace', () => {
    const yaml = tinySweepYaml(own('command: [python3, train.py, --lr, "${learning_rate}", --momentum, "${momentum?}"]'));
    const task = commandTask(parseSweep(yaml, 'ok.yaml', { baseDir: '/home/me/project' }).definition);
    assert.deepEqual(task, {
      type: 'command',
      argv: ['python3', 'train.py', '--lr', '${learning_rate}', '--momentum', '${momentum?}'],
      cwd: '/home/me/project',
      graceSeconds: 10,
    });
  });

  test('the mapping form: cwd against the file folder, env values as strings, epochs, timeout and grace', () => {
    const section = [
      'command:',
      '  argv: [./train.sh, "${width}"]',
      '  cwd: sub/dir',
      '  env: { OMP_NUM_THREADS: 1, MODE: fast, DEBUG: false }',
      '  epochs: 12',
      '  timeout: 600',
      '  grace: 2.5',
    ].join('\n');
    const task = commandTask(parseSweep(tinySweepYaml(own(section)), 'ok.yaml', { baseDir: '/p' }).definition);
    assert.deepEqual(task, {
      type: 'command',
      argv: ['./train.sh', '${width}'],
      cwd: '/p/sub/dir',
      env: { OMP_NUM_THREADS: '1', MODE: 'fast', DEBUG: 'false' },
      epochs: 12,
      timeoutSeconds: 600,
      graceSeconds: 2.5,
    });
  });

  test('a sweep not read from a file has no default cwd and needs an absolute one', () => {
    assert.equal(commandTask(parseSweep(tinySweepYaml(own('command: [/bin/true]')), 'sent.yaml').definition).cwd, undefined);
    assert.throws(
      () => parseSweep(tinySweepYaml(own('command:\n  argv: [/bin/true]\n  cwd: rel')), 'sent.yaml'),
      /command\.cwd: must be an absolute path when the sweep is not read from a file/,
    );
  });

  test('templates naming no parameter, or a conditional one without ?, are refused with the argument and line', () => {
    assert.equal(
      sweepErrorFor(own('command: [python3, train.py, "${lr}"]')),
      'bad.yaml:10:30: command[2]: names "lr", which is not a parameter of the space (expected one of: optimizer, learning_rate, momentum, width)',
    );
    assert.match(
      sweepErrorFor(own('command:\n  argv: [python3, train.py, --momentum, "${momentum}"]')),
      /^bad\.yaml:11:\d+: command\.argv\[3\]: names "momentum", which only some trials have \(it has a "when"\): write \$\{momentum\?\}/,
    );
  });

  test('bad fields name themselves', () => {
    assert.match(sweepErrorFor(own('command: []')), /command: must have at least 1 item\(s\), but got an empty list/);
    assert.match(sweepErrorFor(own('command: [python3, 3]')), /command\[1\]: expected a string, but got 3/);
    assert.match(sweepErrorFor(own('command:\n  argv: [x]\n  timeout: 0')), /command\.timeout: must be > 0, but got 0/);
    assert.match(sweepErrorFor(own('command:\n  argv: [x]\n  env: { "A-B": x }')), /command\.env\.A-B: .*environment variable name/);
    assert.match(sweepErrorFor(own('command:\n  argv: [x]\n  epochs: 0')), /command\.epochs: must be >= 1, but got 0/);
    assert.match(sweepErrorFor(own('command:\n  argv: [x]\n  shell: true')), /command\.shell: unknown field/);
    assert.match(sweepErrorFor(own('command: python3 train.py')), /command: expected a list or a mapping, but got "python3 train.py"/);
  });

  test('one task only: command with module, synthetic or the training sections is refused', () => {
    assert.match(
      sweepErrorFor({ task: 'command: [python3, train.py]' }),
      /^bad\.yaml:\d+:1: command: cannot be combined with dataset, model and training: a sweep either trains a built-in model \(dataset and training\), runs your program \(command\), calls your JavaScript module \(module\) or runs the synthetic task \(synthetic\), only one of them$/,
    );
    assert.match(sweepErrorFor(own('command: [x]\nmodule: ./train.js')), /command: cannot be combined with module: /);
  });

  test('the objective may name any metric the program reports; built-in training keeps its four', () => {
    const yaml = tinySweepYaml(own('command: [x]', { objective: 'objective: { metric: val_f1, direction: maximize }' }));
    assert.deepEqual(parseSweep(yaml, 'ok.yaml').definition.objective, { metric: 'val_f1', direction: 'maximize' });
    assert.equal(
      sweepErrorFor({ objective: 'objective: { metric: val_f1, direction: maximize }' }),
      'bad.yaml:24:14: objective.metric: must be one of val_accuracy, val_loss, train_accuracy, train_loss (what built-in training reports), but got "val_f1"',
    );
    assert.match(
      sweepErrorFor(own('command: [x]', { objective: 'objective: { metric: Val-F1, direction: maximize }' })),
      /objective\.metric: /,
    );
  });

  test('Hyperband needs max_resource when the command leaves its epochs to the program', () => {
    assert.match(
      sweepErrorFor(own('command: [x]', { pruner: 'pruner: { type: hyperband }' })),
      /pruner\.max_resource: is required when command\.epochs is not set: Hyperband needs the most epochs a trial runs/,
    );
    const yaml = tinySweepYaml(own('command:\n  argv: [x]\n  epochs: 27', { pruner: 'pruner: { type: hyperband }' }));
    assert.equal(parseSweep(yaml, 'ok.yaml').definition.pruner?.type, 'hyperband');
  });
});

describe('sweep files with a module: section', () => {
  test('a path is made absolute against the file folder; a package name stays as written', () => {
    const path = moduleTask(parseSweep(tinySweepYaml(own('module: ./train.mjs')), 'ok.yaml', { baseDir: '/p' }).definition);
    assert.deepEqual(path, { type: 'module', module: '/p/train.mjs', export: 'train' });
    const named = moduleTask(
      parseSweep(tinySweepYaml(own('module:\n  path: my-trainer\n  export: fit\n  epochs: 5\n  timeout: 60')), 'ok.yaml', { baseDir: '/p' })
        .definition,
    );
    assert.deepEqual(named, { type: 'module', module: 'my-trainer', export: 'fit', epochs: 5, timeoutSeconds: 60 });
  });

  test('bad fields name themselves', () => {
    assert.match(sweepErrorFor(own('module:\n  path: ./t.js\n  export: "not a name"')), /module\.export: .*JavaScript export name/);
    assert.match(sweepErrorFor(own('module: ""')), /module: /);
  });
});
