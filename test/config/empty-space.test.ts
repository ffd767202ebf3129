import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SearchSpace } from '../../src/space/search-space.js';
import { studyDefinitionFromOptions } from '../../src/study/study-options.js';
import { sweepErrorFor } from '../helpers/sweep-error.js';

// An empty space used to run its whole budget of identical trials.
describe('an empty search space', () => {
  test('is refused in a sweep file, naming space', () => {
    assert.match(
      sweepErrorFor({ space: 'space: {}' }),
      /^bad\.yaml:\d+:\d+: space: needs at least one parameter: with none, every trial would run the same settings$/,
    );
  });

  test('is refused in study options from code', () => {
    assert.throws(() => studyDefinitionFromOptions({ name: 's', direction: 'minimize', space: {} }), /space: needs at least one parameter/);
  });

  test('a stored study with an empty space still loads (stores written before the check)', () => {
    assert.deepEqual(SearchSpace.fromDefinition({}).order, []);
  });
});
