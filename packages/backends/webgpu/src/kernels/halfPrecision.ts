/**
 * Whether convolutions and matrix products compute in float16 (`trainer.precision=16-mixed`). One switch for the
 * process, as TensorFlow.js has one webgpu backend per process; the backend turns it on only on a device with
 * `shader-f16`.
 */
let enabled = false;

export function halfPrecisionEnabled(): boolean {
  return enabled;
}

export function setHalfPrecision(on: boolean): void {
  enabled = on;
}
