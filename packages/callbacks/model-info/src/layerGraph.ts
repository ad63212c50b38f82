import { LayersModel } from '@tensorflow/tfjs-layers';

export type Layer = LayersModel['layers'][number];
export type LayerNode = Layer['inboundNodes'][number];
export type Shape = readonly (number | null)[];

/**
 * The leaf layers of a model, nested models opened (each layer once, even when shared), without input layers.
 */
export function leafLayers(model: LayersModel): Layer[] {
  const seen = new Set<Layer>();
  const visit = (container: LayersModel): void => {
    for (const layer of container.layers) {
      if (layer instanceof LayersModel) visit(layer);
      else if (layer.getClassName() !== 'InputLayer') seen.add(layer);
    }
  };
  visit(model);
  return [...seen];
}

/** The nodes where a layer is applied to inputs (a model also has one node for its own inputs, left out). */
export function applications(layer: Layer): LayerNode[] {
  return layer.inboundNodes.filter((node) => node.inboundLayers.length > 0);
}

/** A node's first input or output shape (`Shape | Shape[]` in tfjs). */
export function firstShape(shapes: LayerNode['inputShapes']): Shape {
  const [first] = shapes;
  return Array.isArray(first) ? first : (shapes as Shape);
}
