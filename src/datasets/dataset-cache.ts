import { loadBundledMnist } from './bundled-mnist.js';
import { DATASET_FACTS } from './dataset-catalog.js';
import { splitDataset, type DatasetSplit } from './dataset-split.js';
import type { DatasetSpec } from './dataset-spec.js';
import type { LabelledImages } from './labelled-images.js';

/**
 * Loads each dataset once per process and each split once per spec; concurrent callers share
 * the same pending load.
 */
export class DatasetCache {
  private readonly raw = new Map<string, Promise<LabelledImages>>();
  private readonly splits = new Map<string, Promise<DatasetSplit>>();

  load(spec: DatasetSpec): Promise<DatasetSplit> {
    const key = JSON.stringify(spec);
    let split = this.splits.get(key);
    if (!split) {
      split = this.loadRaw(spec.name).then((data) => splitDataset(data, spec, DATASET_FACTS[spec.name]));
      this.splits.set(key, split);
      split.catch(() => this.splits.delete(key));
    }
    return split;
  }

  private loadRaw(name: DatasetSpec['name']): Promise<LabelledImages> {
    let data = this.raw.get(name);
    if (!data) {
      switch (name) {
        case 'bundled-mnist':
          data = loadBundledMnist();
          break;
      }
      this.raw.set(name, data);
      data.catch(() => this.raw.delete(name));
    }
    return data;
  }
}
