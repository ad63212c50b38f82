import { deriveSeed } from '@nextplay/cls-core';
import { initializers } from '@tensorflow/tfjs-layers';

/** tfjs-layers does not export its `Initializer` class from the package root. */
type Initializer = ReturnType<typeof initializers.randomNormal>;

/**
 * Initializers matching torchvision's ResNet init. Each call draws a fresh seed from the counter so that two
 * layers with the same shape never get identical weights, while the whole model stays reproducible for one seed.
 */
export class TorchInitializers {
  private next = 0;

  /** @param seed Base seed; `null` leaves tfjs to pick random seeds (not reproducible). */
  constructor(private readonly seed: number | null) {}

  private seedArgs(): { seed?: number } {
    const index = this.next++;
    return this.seed === null ? {} : { seed: deriveSeed(this.seed, index) };
  }

  /**
   * `kaiming_normal_(mode='fan_out', nonlinearity='relu')`: N(0, 2 / (kh·kw·outChannels)). tfjs's
   * `varianceScaling({distribution: 'normal'})` draws a *truncated* normal, so the plain normal is used instead.
   */
  kaimingNormalFanOut(kernelSize: number, outChannels: number): Initializer {
    const stddev = Math.sqrt(2 / (kernelSize * kernelSize * outChannels));
    return initializers.randomNormal({ mean: 0, stddev, ...this.seedArgs() });
  }

  /** torch `nn.Linear` default for weight and bias alike: U(-1/√fan_in, 1/√fan_in). */
  linearUniform(fanIn: number): Initializer {
    const bound = 1 / Math.sqrt(fanIn);
    return initializers.randomUniform({ minval: -bound, maxval: bound, ...this.seedArgs() });
  }
}
