#!/usr/bin/env bash
# Runs on the GPU machine lent by the `device` tool, from the repo root, with .device carried (make-bundle.sh):
# installs the Vulkan loader and Node from the bundle, points Dawn at the NVIDIA driver's Vulkan ICD, then runs the
# WebGPU benchmarks, each printing ours beside stock tfjs-webgpu (and PyTorch on CUDA, for bench-gpu) in one run, a
# ResNet-50 224 px batch 64 training step's memory (bench-gpu-memory), and
# `cls train experiment=mnist` on the GPU in 32-true and 16-mixed (test accuracy, img/s). Their JSON lines and
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
node tools/bench-webgpu-kernels.mjs "$@" | tee "$out/kernels.jsonl"
node tools/bench-gpu.mjs | tee "$out/bench-gpu.jsonl"
# Exits 1 when memory grows from step to step; the runs below still go.
node tools/bench-gpu-memory.mjs | tee "$out/memory.jsonl" || echo "bench-gpu-memory: memory not flat or the step failed"
for precision in 32-true 16-mixed; do
  node packages/cls-cli/bin/cls.js train experiment=mnist trainer.accelerator=gpu "trainer.precision=$precision" \
    callbacks=none data.num_workers=0 data.root=/tmp/cls-mnist "hydra.run.dir=/tmp/cls-mnist-$precision" |
    tail -n 12
  cp "/tmp/cls-mnist-$precision/results.json" "$out/mnist-$precision.json"
done
