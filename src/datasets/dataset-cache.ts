import { loadBundledMnist } from './bundled-mnist.js';
import { DATASET_FACTS } from './dataset-catalog.js';
import { splitDataset, splitFileDataset, type DatasetSplit } from './dataset-split.js';
import type { DatasetSpec } from './dataset-spec.js';
import { loadFileDataset, type FileDataset } from './load-file-dataset.js';
import type { SourceImages } from './source-images.js';

/**
 * Loads each dataset once per process and each split once per spec; concurrent callers share
 * the same pending load. A failed load is forgotten, so that a later trial tries again (after
 * someone fixed the file).
 */
export class DatasetCache {
  private readonly raw = new Map<string, Promise<SourceImages | FileDataset>>();
  private readonly splits = new Map<string, Promise<DatasetSplit>>();

  load(spec: DatasetSpec): Promise<DatasetSplit> {
    const key = JSON.stringify(spec);
    let split = this.splits.get(key);
    if (!split) {
      const facts = DATASET_FACTS[spec.name];
      split =
        facts.format === 'bundled'
          ? this.loadRaw('bundled-mnist', () => loadBundledMnist()).then((data) => splitDataset(data as SourceImages, spec, facts))
          : this.loadRaw(filesKey(spec), () => loadFileDataset(spec)).then((data) => splitFileDataset(data as FileDataset, spec, facts));
      this.splits.set(key, split);
      split.catch(() => this.splits.delete(key));
    }
    return split;
  }

  private loadRaw(key: string, load: () => Promise<SourceImages | FileDataset>): Promise<SourceImages | FileDataset> {
    let data = this.raw.get(key);
    if (!data) {
      data = load();
      this.raw.set(key, data);
      data.catch(() => this.raw.delete(key));
    }
    return data;
  }
}

/** The files a spec reads: splits that differ only in shares or seed share one load. */
function filesKey(spec: DatasetSpec): string {
  return JSON.stringify({ name: spec.name, dir: spec.dir ?? null, files: spec.files ?? null, withTest: spec.test !== 0 });
}
