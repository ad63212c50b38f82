import type * as tf from '@tensorflow/tfjs-core';

/**
 * Outputs that a layer already passed through relu in training, because a ReLU layer is their only consumer
 * (`TrainingBatchNormalization`, `TrainingAdd`): that ReLU passes them on as they are (relu of a relu output is
 * itself).
 */
const rectified = new WeakSet<tf.Tensor>();

export function markRectified(tensor: tf.Tensor): void {
  rectified.add(tensor);
}

export function isRectified(tensor: tf.Tensor): boolean {
  return rectified.has(tensor);
}

/** What `feedsReluAlone` reads of a layer: where its output goes (tfjs-layers' Nodes, one per application). */
export interface LayerConsumers {
  readonly outboundNodes: readonly { readonly outboundLayer: { getClassName(): string } }[];
}

/**
 * Whether the layer's one application feeds a ReLU layer and nothing else, so that applying relu in the layer
 * changes nothing another consumer could see. (Any ReLU, capped too: relu6(relu(x)) = relu6(x).)
 */
export function feedsReluAlone(layer: LayerConsumers): boolean {
  const [only, ...others] = layer.outboundNodes;
  return only !== undefined && others.length === 0 && only.outboundLayer.getClassName() === 'ReLU';
}
