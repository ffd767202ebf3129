import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { brokenLinks, docPages, headingAnchor, headingAnchors, pageText, REPO, relativeLinks } from '../helpers/markdown.js';

/** README.md and docs/*.md hold together: every relative link reaches a file, and a heading of it. */
describe('the links of README.md and docs/*.md', () => {
  for (const page of docPages()) {
    test(`${page}: every relative link points to an existing file and heading`, () => {
      assert.deepEqual(brokenLinks(page), []);
    });
  }

  test('the README links to every page of docs/', () => {
    const linked = new Set(relativeLinks(pageText('README.md')).map((link) => link.target.split('#')[0]));
    assert.deepEqual(
      docPages().filter((page) => page !== 'README.md' && !linked.has(page)),
      [],
    );
  });

  test('docs/sweep-files.md names every example of sweeps/', () => {
    const text = pageText('docs/sweep-files.md');
    const examples = text.slice(text.indexOf('## Examples'));
    const files = readdirSync(join(REPO, 'sweeps')).filter((name) => name.endsWith('.yaml'));
    assert.deepEqual(
      files.filter((name) => !examples.includes(`\`${name}\``)),
      [],
    );
  });

  test('anchors are made as GitHub makes them', () => {
    assert.equal(headingAnchor('`sweeper best STUDY`'), 'sweeper-best-study');
    assert.equal(headingAnchor("A trial's value"), 'a-trials-value');
    assert.equal(headingAnchor('query: `npm run bench:query`'), 'query-npm-run-benchquery');
    assert.deepEqual([...headingAnchors('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n')], ['a', 'notes', 'notes-1']);
  });

  test('a broken link is caught: a missing file, a missing heading, a link inside code is not one', () => {
    const text = [
      '# Page',
      '## Here',
      'See [the CLI](cli.md#json-output), [here](#here), [`code`](store.md) and [Optuna](https://optuna.org).',
      'Not [a file](nowhere.md), [not a heading](cli.md#no-such-heading), [nor here](#there).',
      '`[in code](nowhere.md)`',
      '```sh',
      'echo "[in a block](nowhere.md)"',
      '```',
    ].join('\n');
    assert.deepEqual(brokenLinks('docs/example.md', text), [
      'docs/example.md:4: nowhere.md: no file docs/nowhere.md',
      'docs/example.md:4: cli.md#no-such-heading: no heading of docs/cli.md has the anchor #no-such-heading',
      'docs/example.md:4: #there: no heading of docs/example.md has the anchor #there',
    ]);
  });
});
