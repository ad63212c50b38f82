#!/usr/bin/env bash
# Runs on the GPU machine lent by the `device` tool, from the repo root, with .device carried (make-bundle.sh):
# installs the Vulkan loader and Node from the bundle, points Dawn at the NVIDIA driver's Vulkan ICD, then runs
# bench-gpu (ours beside stock tfjs-webgpu and PyTorch on CUDA, in one run), a ResNet-50 224 px batch 64 training
# step's memory (bench-gpu-memory), `cls train experiment=mnist` on the GPU in 32-true (test accuracy, img/s), the
# per-kernel bench (bench-webgpu-kernels, ours beside stock) and the MNIST run in 16-mixed. Their JSON lines and
# results.json files also go to $OUT. Usage there: bash tools/device/gpu-check.sh
set -euo pipefail
for deb in .device/*.deb; do dpkg -x "$deb" /; done
ldconfig
mkdir -p /tmp/cls-node
xz -dc .device/node.xz >/tmp/cls-node/node
chmod +x /tmp/cls-node/node
export PATH=/tmp/cls-node:$PATH
tar -xJf .device/modules.tar.xz
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
  if [[ -f $icd ]]; then
    export VK_DRIVER_FILES=$icd
    break
  fi
done
BENCH_PYTHON=$(command -v python3 || echo /usr/bin/python3)
export BENCH_PYTHON
out=${OUT:-/tmp/cls-gpu-check}
mkdir -p "$out"
node --version
# The targets first (ours beside stock tfjs-webgpu and PyTorch), then what only explains them, so that a
# command cut short by the device time limit has the figures that matter under $OUT. A failing step does not stop
# the ones after it; the script exits 1 if any failed.
failed=0
node tools/bench-gpu.mjs | tee "$out/bench-gpu.jsonl" || { echo "bench-gpu failed"; failed=1; }
# Exits 1 when memory grows from step to step.
node tools/bench-gpu-memory.mjs | tee "$out/memory.jsonl" ||
  { echo "bench-gpu-memory: not flat or failed"; failed=1; }
mnist() {
  node packages/cls-cli/bin/cls.js train experiment=mnist trainer.accelerator=gpu "trainer.precision=$1" \
    callbacks=none data.num_workers=0 data.root=/tmp/cls-mnist "hydra.run.dir=/tmp/cls-mnist-$1" | tail -n 12 &&
    cp "/tmp/cls-mnist-$1/results.json" "$out/mnist-$1.json"
}
mnist 32-true || { echo "mnist 32-true failed"; failed=1; }
node tools/bench-webgpu-kernels.mjs "$@" | tee "$out/kernels.jsonl" ||
  { echo "bench-webgpu-kernels failed"; failed=1; }
mnist 16-mixed || { echo "mnist 16-mixed failed"; failed=1; }
exit "$failed"
