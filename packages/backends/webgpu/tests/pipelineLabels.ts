/** The labels of the compute pipelines dispatched while `compute` runs, in order. */
export async function pipelineLabelsDuring(compute: () => Promise<unknown>): Promise<string[]> {
  const labels: string[] = [];
  // Wrapped, then restored: it is called with its encoder as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setPipeline = GPUComputePassEncoder.prototype.setPipeline;
  GPUComputePassEncoder.prototype.setPipeline = function recordedPipeline(pipeline) {
    labels.push(pipeline.label);
    setPipeline.call(this, pipeline);
  };
  try {
    await compute();
  } finally {
    GPUComputePassEncoder.prototype.setPipeline = setPipeline;
  }
  return labels;
}
