import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Reads every weight of `model` back to the host once, asynchronously. A GPU backend in Node has no synchronous
 * read (tfjs-backend-webgpu's `dataSync` needs a browser canvas), but caches what an asynchronous read returned;
 * code that reads weights synchronously afterwards (ONNX conversion, batch-norm folding) then works there too.
 * On CPU backends it is a copy of each weight.
 */
export async function readWeightsToHost(model: LayersModel): Promise<void> {
  await Promise.all(model.weights.map((weight) => weight.read().data()));
}
