import * as tf from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { ADD_RELU, RELU_GRAD } from '@nextplay/cls-core';
import { activeBackendHasKernel } from './activeBackendKernel.js';
import { feedsReluAlone, markRectified } from './rectifiedTensors.js';

type AddLayer = ReturnType<typeof layers.add>;
type AddArgs = NonNullable<Parameters<typeof layers.add>[0]>;
type CallArgs = Parameters<AddLayer['call']>;

/** tfjs-layers exports the factory, not the class; its constructor is the class to extend. */
const Add = layers.add({}).constructor as new (args: AddArgs) => AddLayer;

/** relu(a + b) in one `ADD_RELU` kernel; the gradient, relu's of the output, goes to both inputs. */
const addRelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const y = tf.engine().runKernel<tf.Tensor>(ADD_RELU, { a, b }, {});
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [output] = saved;
      if (output === undefined) throw new Error('the residual sum saved no output for its gradient');
      const gradient = tf.engine().runKernel<tf.Tensor>(RELU_GRAD, { dy, y: output }, {});
      // Each input gets a tensor of its own (tfjs disposes gradients as it adds them up); a clone costs no pass.
      return [gradient, tf.clone(gradient)];
    },
  };
});

/**
 * tfjs-layers' Add whose sum of two tensors is also rectified in one kernel (`ADD_RELU`, the WebGPU backend) in
 * training, when its output goes to a ReLU layer alone (a ResNet block's residual connection): that ReLU
 * (`TrainingReLU`) passes it on, so the block's ReLU forward is no pass of its own. Elsewhere, and for more than two
 * inputs or inputs of different shapes, it is the stock layer; it saves under the stock class name.
 */
export class TrainingAdd extends Add {
  static readonly className = 'Add';

  override call(...[inputs, kwargs]: CallArgs): tf.Tensor | tf.Tensor[] {
    const [a, b, ...more] = Array.isArray(inputs) ? inputs : [inputs];
    if (
      kwargs.training !== true ||
      a === undefined ||
      b === undefined ||
      more.length > 0 ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      !tf.util.arraysEqual(a.shape, b.shape) ||
      !activeBackendHasKernel(ADD_RELU) ||
      !activeBackendHasKernel(RELU_GRAD) ||
      !feedsReluAlone(this)
    ) {
      return super.call(inputs, kwargs);
    }
    const output = addRelu(a, b);
    markRectified(output);
    return output;
  }
}
