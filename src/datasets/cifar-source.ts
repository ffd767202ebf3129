import { allInOrder } from './all-in-order.js';
import { readDataFile } from './read-data-file.js';
import { parseCifarBatch } from './cifar-batch.js';
import type { SourceImages } from './source-images.js';

/** The records of several CIFAR-10 batches, in file order, as one source. */
export async function cifarSource(paths: readonly string[]): Promise<SourceImages> {
  const batches = await allInOrder(paths.map(async (path) => parseCifarBatch(path, await readDataFile(path))));
  const count = batches.reduce((sum, batch) => sum + batch.count, 0);
  const pixelsPer = batches[0] ? batches[0].pixels.length / Math.max(batches[0].count, 1) : 0;
  const images = new Uint8Array(count * pixelsPer);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const batch of batches) {
    images.set(batch.pixels, offset * pixelsPer);
    labels.set(batch.labels, offset);
    offset += batch.count;
  }
  return { count, images, labels };
}
