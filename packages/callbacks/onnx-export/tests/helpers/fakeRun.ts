import '@tensorflow/tfjs-backend-cpu';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataModuleInfo, RawImage, SplitName } from '@nextplay/cls-core';
import { buildResNet } from '@nextplay/cls-models';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

export const CLASSES = ['cat', 'dog', 'bird'];
export const IMAGE_SIZE = 16;

/** A small ResNet-18-shaped network (conv, batch norm, residual adds, pooling, dense) at 16 px, 3 classes. */
export function tinyResNet(): LayersModel {
  return buildResNet({
    block: 'basic',
    layers: [1, 1, 1, 1],
    planes: [4, 8, 8, 16],
    stemChannels: 4,
    numClasses: CLASSES.length,
    imageSize: IMAGE_SIZE,
    seed: 1,
  });
}

/** Split sizes of the synthetic run. */
export const SPLIT_SIZES: Readonly<Record<SplitName, number>> = { train: 20, val: 10, test: 6 };

export function dataInfo(): DataModuleInfo {
  const split = (name: SplitName) => ({
    name,
    size: SPLIT_SIZES[name],
    classCounts: CLASSES.map(
      (_, c) =>
        Math.floor(SPLIT_SIZES[name] / CLASSES.length) + (c === 0 ? SPLIT_SIZES[name] % CLASSES.length : 0),
    ),
  });
  return {
    classes: CLASSES,
    imageSize: [IMAGE_SIZE, IMAGE_SIZE],
    channels: 3,
    train: split('train'),
    val: split('val'),
    test: split('test'),
  };
}

/** A deterministic RGB image per (split, index): smooth gradients plus noise, different for every index. */
export function syntheticImage(split: SplitName, index: number, size = IMAGE_SIZE): RawImage {
  const data = new Uint8Array(size * size * 3);
  let state = (index + 1) * 2654435761 + split.length * 40503;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        const gradient = ((x * (c + 1) + y * (3 - c)) * 255) / (4 * size);
        data[(y * size + x) * 3 + c] = Math.min(
          255,
          Math.round(gradient * ((index % 5) / 4) + (state >>> 24) / 2),
        );
      }
    }
  }
  return { data, width: size, height: size, channels: 3 };
}

/**
 * Checkpoints kept in memory: `save` clones a model's weights and writes, as the engine does, `trainer_state.json`
 * (epoch, step) and, unless `modelFiles` is false, `model.json` (topology and weights manifest) and `weights.bin`;
 * `load` builds a fresh model holding those weights, as `loadModel` does.
 */
export class CheckpointStore {
  readonly #weights = new Map<string, tf.Tensor[]>();
  /** Every model `load` built, in order. */
  readonly loaded: LayersModel[] = [];
  readonly #disposed = new Set<LayersModel>();

  async save(
    model: LayersModel,
    path: string,
    progress: { epoch: number; global_step: number },
    options: { modelFiles?: boolean } = {},
  ): Promise<void> {
    this.#weights.set(
      path,
      model.getWeights().map((w) => w.clone()),
    );
    await mkdir(path, { recursive: true });
    if (options.modelFiles ?? true) {
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          const modelJson = {
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }],
          };
          await writeFile(join(path, 'model.json'), JSON.stringify(modelJson));
          await writeFile(
            join(path, 'weights.bin'),
            new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)),
          );
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
    }
    await writeFile(join(path, 'trainer_state.json'), JSON.stringify(progress));
  }

  readonly load = (path: string): Promise<LayersModel> => {
    const weights = this.#weights.get(path);
    if (weights === undefined) return Promise.reject(new Error(`no checkpoint at ${path}`));
    const model = tinyResNet();
    model.setWeights(weights);
    const dispose = model.dispose.bind(model);
    model.dispose = () => {
      this.#disposed.add(model);
      return dispose();
    };
    this.loaded.push(model);
    return Promise.resolve(model);
  };

  isDisposed(model: LayersModel): boolean {
    return this.#disposed.has(model);
  }

  /** Frees the stored weights and every loaded model not yet disposed. */
  dispose(): void {
    for (const model of this.loaded) if (!this.#disposed.has(model)) model.dispose();
    for (const weights of this.#weights.values()) tf.dispose(weights);
    this.#weights.clear();
  }
}

/** Moves every weight of `model` by a seeded random amount, as training would. */
export function perturbWeights(model: LayersModel, scale: number): void {
  const moved = tf.tidy(() =>
    model.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, scale, 'float32', 100 + i))),
  );
  model.setWeights(moved);
  tf.dispose(moved);
}
