import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** The files of an exported model: what `tf.loadLayersModel` reads, and what sweeper adds. */
export const MODEL_FILES = { model: 'model.json', weights: 'weights.bin', about: 'sweeper.json' } as const;

/**
 * Writes `model` as TensorFlow.js's layers-model format (model.json naming weights.bin) into
 * `dir`, with `about` (what the model is and how it was trained) beside it as sweeper.json. Each
 * file is written under a temporary name and renamed, so a reader never sees half of one.
 */
export async function writeModelFiles(model: tf.LayersModel, dir: string, about: unknown): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  let written: string[] = [];
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.concat(
        (Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData ?? new ArrayBuffer(0)]).map((part) =>
          Buffer.from(part),
        ),
      );
      const manifest = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs ?? [] }],
      };
      await atomicWrite(join(dir, MODEL_FILES.weights), weights);
      await atomicWrite(join(dir, MODEL_FILES.model), `${JSON.stringify(manifest)}\n`);
      await atomicWrite(join(dir, MODEL_FILES.about), `${JSON.stringify(about, null, 2)}\n`);
      written = [MODEL_FILES.model, MODEL_FILES.weights, MODEL_FILES.about].map((name) => join(dir, name));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }),
  );
  return written;
}

async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data, { flag: 'w' });
  await rename(temporary, path);
}
